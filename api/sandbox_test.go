package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"handoff/domain"
)

func TestCreateAndCompleteSandboxSession(t *testing.T) {
	w := newWorld(t)
	body := map[string]any{"workflow_id": "wf_x_kyc", "vendor_data": "user-123", "callback": "https://192.0.2.10/done",
		"metadata": map[string]any{"user_type": "premium"}, "contact_details": map[string]any{"email": "jane@example.com"},
		"expected_details": map[string]any{"first_name": "Jane"}}
	c := w.do("POST", "/v3/session/", w.x.key, body)
	expect(t, c, 201, "create")
	id := c.str("session_id")
	if c.str("status") != "Not Started" || c.str("session_kind") != "user" || c.str("workflow_id") != "wf_x_kyc" ||
		c.str("vendor_data") != "user-123" || c.str("callback") != "https://192.0.2.10/done" || len(c.str("session_token")) != 12 ||
		c.str("url") != w.url+"/v3/session/"+id+"/sandbox/complete/" || c.body["metadata"].(map[string]any)["user_type"] != "premium" {
		t.Fatalf("create: %s", c.raw)
	}
	// Not finished yet: it cannot be shared or decided.
	expectDetail(t, w.share(w.x, uuidOf(t, id), map[string]any{"for_application_id": w.y.id.String()}), 400, "share before completion")
	expectDetail(t, w.do("PATCH", "/v3/session/"+id+"/update-status/", w.x.key, map[string]any{"new_status": "Approved"}), 400, "decide before completion")

	done := w.do("POST", "/v3/session/"+id+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "face_mismatch"})
	expect(t, done, 200, "complete")
	if done.str("status") != "Declined" {
		t.Fatalf("face_mismatch landed %q", done.str("status"))
	}
	faces, _ := json.Marshal(done.body["face_matches"])
	if !strings.Contains(string(faces), "FACE_MATCH_FAILED") || !strings.Contains(string(faces), `"status":"Declined"`) {
		t.Fatalf("face_matches %s", faces)
	}
	dec := w.do("GET", "/v3/session/"+id+"/decision/", w.x.key, nil)
	if dec.str("status") != "Declined" || dec.str("callback") != "https://192.0.2.10/done" ||
		dec.body["contact_details"].(map[string]any)["email"] != "jane@example.com" ||
		dec.body["expected_details"].(map[string]any)["first_name"] != "Jane" || dec.str("session_token") != c.str("session_token") {
		t.Fatalf("decision after completion: %s", dec.raw)
	}
	expectDetail(t, w.do("POST", "/v3/session/"+id+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "Approved"}), 400, "completing twice")

	// A KYB workflow makes a business session, in its casing.
	b := w.do("POST", "/v3/session/", w.x.key, map[string]any{"workflow_id": "wf_x_kyb", "metadata": `{"tier": "gold"}`})
	expect(t, b, 201, "create KYB")
	if b.str("status") != "NOT_STARTED" || b.str("session_kind") != "business" || b.body["vendor_data"] != nil ||
		b.body["metadata"].(map[string]any)["tier"] != "gold" {
		t.Fatalf("KYB create: %s", b.raw)
	}
	bid := b.str("session_id")
	expectField(t, w.do("POST", "/v3/session/"+bid+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "face_mismatch"}), "outcome", "face_mismatch on KYB")
	bd := w.do("POST", "/v3/session/"+bid+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "In Review"})
	if bd.str("status") != "IN_REVIEW" {
		t.Fatalf("KYB In Review: %s", bd.raw)
	}

	for _, bad := range []struct {
		body  any
		field string
	}{
		{map[string]any{}, "workflow_id"},
		{map[string]any{"workflow_id": "wf_x_kyc", "callback": "ftp://x"}, "callback"},
		{map[string]any{"workflow_id": "wf_x_kyc", "metadata": []int{1}}, "metadata"},
		{map[string]any{"workflow_id": "wf_x_kyc", "metadata": "not json"}, "metadata"},
		{map[string]any{"workflow_id": "wf_x_kyc", "contact_details": "x"}, "contact_details"},
		{map[string]any{"workflow_id": "wf_x_kyc", "vendor_data": strings.Repeat("v", 300)}, "vendor_data"},
	} {
		expectField(t, w.do("POST", "/v3/session/", w.x.key, bad.body), bad.field, "create")
	}
	expectDetail(t, w.do("POST", "/v3/session/", w.x.key, map[string]any{"workflow_id": "wf_partner_kyc"}), 404, "another application's workflow")
	expectDetail(t, w.do("POST", "/v3/session/", w.key(w.x, domain.PrivReadSessions), map[string]any{"workflow_id": "wf_x_kyc"}), 403, "read-only key")
	fresh := w.do("POST", "/v3/session/", w.x.key, map[string]any{"workflow_id": "wf_x_kyc"}).str("session_id")
	expectField(t, w.do("POST", "/v3/session/"+fresh+"/sandbox/complete/", w.x.key, map[string]any{}), "outcome", "no outcome")
	expectField(t, w.do("POST", "/v3/session/"+fresh+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "Abandoned"}), "outcome", "not an outcome")
	expectDetail(t, w.do("POST", "/v3/session/"+fresh+"/sandbox/complete/", w.y.key, map[string]any{"outcome": "Approved"}), 404, "another application's session")
	if r := w.do("GET", "/v3/session/"+fresh+"/decision/", w.x.key, nil); r.str("status") != "Not Started" {
		t.Fatalf("a refused completion changed the session: %s", r.raw)
	}
}

func TestUpdateStatusParity(t *testing.T) {
	w := newWorld(t)
	kyb := w.session(w.x, domain.KindBusiness, domain.PhaseInReview)
	r := w.do("PATCH", "/v3/session/"+kyb.ID.String()+"/update-status/", w.x.key, map[string]any{"new_status": "Approved"})
	expect(t, r, 200, "decide KYB")
	if r.str("session_id") != kyb.ID.String() || r.str("session_kind") != "business" || len(r.body) != 2 {
		t.Fatalf("update-status answer %s", r.raw)
	}
	for _, ph := range []domain.Phase{domain.PhaseAbandoned, domain.PhaseExpired} {
		s := w.session(w.x, domain.KindUser, ph)
		r := w.do("PATCH", "/v3/session/"+s.ID.String()+"/update-status/", w.x.key, map[string]any{"new_status": "Declined"})
		expect(t, r, 200, "decide from "+ph.String())
		if d := w.do("GET", "/v3/session/"+s.ID.String()+"/decision/", w.x.key, nil); d.str("status") != "Declined" {
			t.Fatalf("from %s: %s", ph, d.raw)
		}
	}
	s := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	res := w.do("PATCH", "/v3/session/"+s.ID.String()+"/update-status/", w.x.key, map[string]any{"new_status": "Resubmitted"})
	expectField(t, res, "new_status", "Resubmitted")
	if !strings.Contains(string(res.raw), "capture") {
		t.Fatalf("Resubmitted message %s", res.raw)
	}
	ns := w.session(w.x, domain.KindUser, domain.PhaseNotStarted)
	expectDetail(t, w.do("PATCH", "/v3/session/"+ns.ID.String()+"/update-status/", w.x.key, map[string]any{"new_status": "Approved"}), 400, "Not Started")
}

func TestBatchDelete(t *testing.T) {
	w := newWorld(t)
	all := w.generate(w.x, 5, domain.KindUser)
	theirs := w.session(w.y, domain.KindUser, domain.PhaseApproved)
	r := w.do("POST", "/v3/sessions/delete/", w.x.key, map[string]any{"session_numbers": []any{
		itoa(all[0].Number), all[1].Number, itoa(theirs.Number + 1000)}})
	expect(t, r, 200, "batch delete")
	if r.body["deleted_count"].(float64) != 2 {
		t.Fatalf("deleted %s", r.raw)
	}
	expectDetail(t, w.do("GET", "/v3/session/"+all[0].ID.String()+"/decision/", w.x.key, nil), 404, "deleted session")
	if d := w.do("GET", "/v3/session/"+theirs.ID.String()+"/decision/", w.y.key, nil); d.status != 200 {
		t.Fatal("another application's session was touched")
	}
	for _, bad := range []any{
		map[string]any{},
		map[string]any{"session_numbers": []any{}},
		map[string]any{"session_numbers": []any{"12a"}},
		map[string]any{"session_numbers": []any{"-3"}},
		map[string]any{"session_numbers": []any{true}},
	} {
		expectField(t, w.do("POST", "/v3/sessions/delete/", w.x.key, bad), "session_numbers", "bad batch")
	}
	expectDetail(t, w.do("POST", "/v3/sessions/delete/", w.key(w.x, domain.PrivReadSessions), map[string]any{"delete_all": true}), 403, "read-only key")
	r = w.do("POST", "/v3/sessions/delete/", w.x.key, map[string]any{"delete_all": true})
	if r.body["deleted_count"].(float64) != 3 {
		t.Fatalf("delete_all %s", r.raw)
	}
	if l := w.do("GET", "/v3/sessions/?session_kind=all", w.x.key, nil); l.body["count"].(float64) != 0 {
		t.Fatalf("after delete_all: %s", l.raw)
	}
	if l := w.do("GET", "/v3/sessions/", w.y.key, nil); l.body["count"].(float64) != 1 {
		t.Fatalf("delete_all reached another application: %s", l.raw)
	}
}
