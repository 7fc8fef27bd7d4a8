package api_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
)

// With serve --public-url, webhook decisions carry links as the decision
// endpoint does: media links a partner fetches with its key (the KYB
// registry extract included) and a created session's session_url.
func TestWebhookDecisionLinks(t *testing.T) {
	w := newWorld(t)
	w.svc.SetPrivateWebhooks(true) // the receiver is on loopback
	w.svc.SetPublicURL(w.url)
	w.deliver()
	rc := newReceiver(t)
	r := w.do("POST", destinations, w.x.key, map[string]any{"url": rc.srv.URL, "subscribed_events": []string{"status.updated"}})
	expect(t, r, 201, "destination")
	rc.mu.Lock()
	rc.secret = r.str("secret_shared_key")
	rc.mu.Unlock()

	// A person and a business with their evidence stored, decided.
	evidence := map[domain.Kind]domain.Session{}
	for _, kind := range []domain.Kind{domain.KindUser, domain.KindBusiness} {
		if err := demo.Generate(context.Background(), w.svc, demo.Options{App: w.x.id, Count: 1, Kind: kind, Phase: domain.PhaseInReview,
			Seed: 9, Actor: "test", Evidence: 1}, func(s domain.Session) { evidence[kind] = s }); err != nil {
			t.Fatal(err)
		}
	}
	person, business := evidence[domain.KindUser], evidence[domain.KindBusiness]
	expect(t, w.do("PATCH", "/v3/session/"+person.ID.String()+"/update-status/", w.x.key, map[string]any{"new_status": "Approved"}), 200, "decide")
	expect(t, w.do("PATCH", "/v3/session/"+business.ID.String()+"/update-status/", w.x.key, map[string]any{"new_status": "Approved"}), 200, "decide KYB")
	// And a session created over the API, completed in the sandbox.
	c := w.do("POST", "/v3/session/", w.x.key, map[string]any{"workflow_id": "wf_x_kyc"})
	expect(t, c, 201, "create")
	created := c.str("session_id")
	expect(t, w.do("POST", "/v3/session/"+created+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "Approved"}), 200, "complete")
	rc.statuses(4) // two decisions, and the created session's In Progress and Approved

	decisionOf := func(id string) map[string]any {
		t.Helper()
		for _, ev := range rc.all() {
			if dec, ok := ev["decision"].(map[string]any); ok && ev["session_id"] == id {
				return dec
			}
		}
		t.Fatalf("no decision for %s in %v", id, rc.all())
		return nil
	}
	fetch := func(dec map[string]any, family, field, name string, session domain.Session) {
		t.Helper()
		link, _ := dec[family].([]any)[0].(map[string]any)[field].(string)
		if !strings.HasPrefix(link, w.url+"/v3/media/") {
			t.Fatalf("%s.%s = %q, not a link on the public URL", family, field, link)
		}
		stored, err := w.svc.Evidence(context.Background(), review.Analyst(w.x.id, "t"), session.ID, name)
		if err != nil || len(stored) != 1 {
			t.Fatalf("stored %s: %v %v", name, stored, err)
		}
		if code, ct, body := w.getMedia(link, w.x.key); code != 200 || ct != "image/png" || !bytes.Equal(body, stored[0].Data) {
			t.Fatalf("%s.%s: %d %q, %d bytes; want the stored %s", family, field, code, ct, len(body), name)
		}
		if code, _, _ := w.getMedia(link, w.y.key); code != 404 {
			t.Errorf("%s.%s with another application's key: %d, want 404", family, field, code)
		}
	}
	dec := decisionOf(person.ID.String())
	fetch(dec, "id_verifications", "portrait_image", domain.MediaPortrait, person)
	fetch(dec, "liveness_checks", "reference_image", domain.MediaSelfie, person)
	if dec["session_url"] != nil {
		t.Errorf("a generated session's session_url: %v", dec["session_url"])
	}
	fetch(decisionOf(business.ID.String()), "registry_checks", domain.RegistryExtractField, domain.MediaRegistry, business)
	if got := decisionOf(created)["session_url"]; got != w.url+"/v3/session/"+created+"/sandbox/complete/" {
		t.Errorf("the created session's session_url: %v", got)
	}

	// The decision endpoint links the registry extract too.
	kyb := w.do("GET", "/v3/session/"+business.ID.String()+"/decision/", w.x.key, nil)
	expect(t, kyb, 200, "KYB decision")
	fetch(kyb.body, "registry_checks", domain.RegistryExtractField, domain.MediaRegistry, business)
}
