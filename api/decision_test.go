package api_test

import (
	"strings"
	"testing"

	"handoff/domain"
)

// The decision response keeps Didit's shape and adds Didit's session_url
// and reviews and handoff's findings and provenance; every response is
// held against api/openapi.yaml by the test server (checked).
func TestDecisionResponseExtras(t *testing.T) {
	w := newWorld(t)

	// A sandbox session: its link is the create's url; a face mismatch is
	// among its findings; a decision on it is among its reviews.
	c := w.do("POST", "/v3/session/", w.x.key, map[string]any{"workflow_id": "wf_x_kyc", "vendor_data": "user-7"})
	expect(t, c, 201, "create")
	id := c.str("session_id")
	expect(t, w.do("POST", "/v3/session/"+id+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "face_mismatch"}), 200, "complete")
	expect(t, w.do("PATCH", "/v3/session/"+id+"/update-status/", w.x.key,
		map[string]any{"new_status": "Approved", "comment": "Same person, new haircut"}), 200, "approve")
	dec := w.do("GET", "/v3/session/"+id+"/decision/", w.x.key, nil)
	expect(t, dec, 200, "decision")
	if dec.str("session_url") != c.str("url") || dec.str("status") != "Approved" {
		t.Fatalf("session_url %q, want the create's %q: %s", dec.str("session_url"), c.str("url"), dec.raw)
	}
	reviews, _ := dec.body["reviews"].([]any)
	last, _ := reviews[len(reviews)-1].(map[string]any)
	if last["comment"] != "Same person, new haircut" || last["new_status"] != "Approved" || last["user"] != "API Client" {
		t.Fatalf("reviews %v", reviews)
	}
	if !hasFinding(dec, "face_") {
		t.Fatalf("no face finding on a face mismatch: %v", dec.body["findings"])
	}
	if _, ok := dec.body["provenance"]; ok {
		t.Fatalf("provenance on a session captured here: %s", dec.raw)
	}

	// X's session goes to Y, Y's clone comes back to X and goes on to Z.
	z := w.newApp("Service Z", "wf_z_kyc", "wf_z_kyb")
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	atY := w.importAs(w.y, map[string]any{"share_token": w.mint(w.x, src.ID, w.y.id), "workflow_id": "wf_partner_kyc", "trust_review": true})
	expect(t, atY, 201, "import into Y")
	yID := uuidOf(t, atY.str("session_id"))
	back := w.importAs(w.x, map[string]any{"share_token": w.mint(w.y, yID, w.x.id), "workflow_id": "wf_x_kyc"})
	expect(t, back, 201, "import back into X")
	atZ := w.importAs(z, map[string]any{"share_token": w.mint(w.y, yID, z.id), "workflow_id": "wf_z_kyc"})
	expect(t, atZ, 201, "import into Z")

	for _, tc := range []struct {
		who  app
		id   string
		own  bool
		hops []string // session ids, origin first
	}{
		{w.y, atY.str("session_id"), false, []string{src.ID.String()}},
		{w.x, back.str("session_id"), true, []string{src.ID.String(), yID.String()}},
		{z, atZ.str("session_id"), false, []string{src.ID.String(), yID.String()}},
	} {
		d := w.do("GET", "/v3/session/"+tc.id+"/decision/", tc.who.key, nil)
		expect(t, d, 200, "clone decision")
		prov, _ := d.body["provenance"].(map[string]any)
		chain, _ := prov["chain"].([]any)
		if prov["origin_is_own_application"] != tc.own || len(chain) != len(tc.hops) {
			t.Fatalf("provenance %v, want own=%v and %d hops", prov, tc.own, len(tc.hops))
		}
		for i, h := range chain {
			hop := h.(map[string]any)
			if hop["session_id"] != tc.hops[i] || hop["token_id"] == nil || hop["session_number"] == nil {
				t.Errorf("hop %d: %v, want session %s", i, hop, tc.hops[i])
			}
		}
		if origin := chain[0].(map[string]any); origin["application_id"] != w.x.id.String() || origin["application_name"] != "Service X" {
			t.Errorf("origin %v, want Service X", origin)
		}
		if d.body["session_url"] != nil {
			t.Errorf("an imported session has no link: %v", d.body["session_url"])
		}
		if _, ok := d.body["findings"].([]any); !ok {
			t.Errorf("findings missing: %s", d.raw)
		}
	}

	// Another application's session is not found.
	expectDetail(t, w.do("GET", "/v3/session/"+back.str("session_id")+"/decision/", z.key, nil), 404, "another application's session")
}

func hasFinding(r response, prefix string) bool {
	list, _ := r.body["findings"].([]any)
	for _, f := range list {
		if code, _ := f.(map[string]any)["code"].(string); strings.HasPrefix(code, prefix) {
			return true
		}
	}
	return false
}
