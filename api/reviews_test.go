package api_test

import (
	"context"
	"strings"
	"testing"

	"handoff/domain"
	"handoff/review"
)

// Reviews as a partner calls them: decide, note, list oldest first, and
// every bad body refused with nothing changed.
func TestReviewsAsPartnerCallsThem(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseInReview)
	sid := src.ID.String()
	path := "/v3/sessions/" + sid + "/reviews/"
	status := func() string { return w.do("GET", "/v3/session/"+sid+"/decision/", w.x.key, nil).str("status") }

	note := w.do("POST", path, w.x.key, map[string]any{"new_status": "In Review", "comment": "Flagging for a re-check."})
	expect(t, note, 201, "note")
	if note.str("activity_type") != "NOTE_ADDED" || note.str("comment") != "Flagging for a re-check." || note.str("actor_type") != "API_KEY" ||
		note.str("actor_display") != "API Client" || note.body["actor_email"] != nil || note.body["previous_status"] != nil {
		t.Fatalf("note: %s", note.raw)
	}
	if got := status(); got != "In Review" {
		t.Fatalf("a note changed the status to %q", got)
	}

	dec := w.do("POST", path, w.x.key, map[string]any{"new_status": "Declined", "comment": "POA does not match."})
	expect(t, dec, 201, "decline")
	if dec.str("activity_type") != "STATUS_UPDATED" || dec.str("new_status") != "Declined" || dec.str("previous_status") != "In Review" {
		t.Fatalf("decline: %s", dec.raw)
	}
	if got := status(); got != "Declined" {
		t.Fatalf("status after the decline review: %q", got)
	}
	// update-status is a review too.
	expect(t, w.do("PATCH", "/v3/session/"+sid+"/update-status/", w.x.key, map[string]any{"new_status": "Approved", "comment": "on appeal"}), 200, "update-status")

	// Bad bodies: 400 each, and the feed does not grow.
	expectField(t, w.do("POST", path, w.x.key, map[string]any{"new_status": "Resubmitted"}), "new_status", "Resubmitted")
	expectField(t, w.do("POST", path, w.x.key, map[string]any{"new_status": "Not Started"}), "new_status", "Not Started")
	expectField(t, w.do("POST", path, w.x.key, map[string]any{"comment": "no status"}), "new_status", "missing new_status")
	expectField(t, w.do("POST", path, w.x.key, map[string]any{"new_status": "In Review", "comment": strings.Repeat("é", 10001)}), "comment", "10,001 characters")
	expect(t, w.do("POST", path, w.x.key, map[string]any{"new_status": "In Review", "comment": strings.Repeat("é", 10000)}), 201, "10,000 characters")
	expect(t, w.do("POST", path, w.x.key, `{"new_status": 7}`), 400, "a number")
	expect(t, w.do("POST", path, w.x.key, `{"new_status":`), 400, "broken JSON")
	// Another application's session is not found, to read or to write.
	expectDetail(t, w.do("POST", path, w.y.key, map[string]any{"new_status": "Approved"}), 404, "cross review")
	expectDetail(t, w.do("GET", path, w.y.key, nil), 404, "cross list")
	expectDetail(t, w.do("GET", "/v3/sessions/not-a-uuid/reviews/", w.x.key, nil), 404, "bad id")
	if got := status(); got != "Approved" {
		t.Fatalf("status after refused reviews: %q", got)
	}

	list := w.do("GET", path, w.x.key, nil)
	expect(t, list, 200, "list")
	results, _ := list.body["results"].([]any)
	var acts []string
	for _, r := range results {
		m := r.(map[string]any)
		acts = append(acts, m["activity_type"].(string)+":"+str(m["new_status"]))
	}
	want := "NOTE_ADDED:In Review STATUS_UPDATED:Declined STATUS_UPDATED:Approved NOTE_ADDED:In Review"
	if got := strings.Join(acts, " "); got != want || list.body["count"] != float64(4) {
		t.Fatalf("feed oldest first:\n got %s (count %v)\nwant %s", got, list.body["count"], want)
	}
}

func str(v any) string { s, _ := v.(string); return s }

// Under four-eyes a key's decision is a proposal, and no key settles it.
func TestReviewsUnderFourEyes(t *testing.T) {
	w := newWorld(t)
	p := domain.FourEyesAll
	if _, err := w.svc.SetAppSettings(context.Background(), review.Operator("test"), w.x.id, review.SettingsChange{FourEyes: &p}); err != nil {
		t.Fatal(err)
	}
	sid := w.session(w.x, domain.KindUser, domain.PhaseInReview).ID.String()
	path := "/v3/sessions/" + sid + "/reviews/"
	prop := w.do("POST", path, w.x.key, map[string]any{"new_status": "Approved", "comment": "clean"})
	expect(t, prop, 201, "proposal")
	if prop.str("activity_type") != "DECISION_PROPOSED" || prop.body["new_status"] != nil {
		t.Fatalf("proposal: %s", prop.raw)
	}
	other := w.key(w.x, domain.PrivWriteSessions, domain.PrivReadSessions)
	for _, r := range []response{
		w.do("POST", path, other, map[string]any{"new_status": "Approved"}),
		w.do("POST", path, w.x.key, map[string]any{"new_status": "Approved"}),
		w.do("PATCH", "/v3/session/"+sid+"/update-status/", other, map[string]any{"new_status": "Declined"}),
	} {
		expectDetail(t, r, 403, "a key settling a proposal")
		if !strings.Contains(r.str("detail"), "awaiting second review: Approved") {
			t.Fatalf("refusal: %s", r.raw)
		}
	}
	if got := w.do("GET", "/v3/session/"+sid+"/decision/", w.x.key, nil).str("status"); got != "In Review" {
		t.Fatalf("status under a proposal: %q", got)
	}
}
