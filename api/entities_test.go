package api_test

import (
	"net/url"
	"strings"
	"testing"

	"handoff/domain"
)

func TestUsersAndBusinesses(t *testing.T) {
	w := newWorld(t)
	kyc := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	kyb := w.session(w.x, domain.KindBusiness, domain.PhaseApproved)
	imp := func(src domain.Session, wf, vendor string, trust bool) response {
		t.Helper()
		r := w.importAs(w.y, map[string]any{"share_token": w.mint(w.x, src.ID, w.y.id), "workflow_id": wf,
			"vendor_data": vendor, "trust_review": trust})
		expect(t, r, 201, "import")
		return r
	}
	first := imp(kyc, "wf_partner_kyc", "partner user/42", true)
	imp(kyb, "wf_partner_kyb", "biz-7", true)

	users := w.do("GET", "/v3/users/", w.y.key, nil)
	expect(t, users, 200, "users")
	rows := users.body["results"].([]any)
	if users.body["count"].(float64) != 1 || len(rows) != 1 {
		t.Fatalf("users: %s", users.raw)
	}
	u := rows[0].(map[string]any)
	if u["vendor_data"] != "partner user/42" || u["status"] != "ACTIVE" || u["session_count"].(float64) != 1 ||
		u["approved_count"].(float64) != 1 || u["last_session_at"] == nil {
		t.Fatalf("user row %v", u)
	}
	biz := w.do("GET", "/v3/businesses/", w.y.key, nil)
	if biz.body["count"].(float64) != 1 || biz.body["results"].([]any)[0].(map[string]any)["vendor_data"] != "biz-7" {
		t.Fatalf("businesses: %s", biz.raw)
	}
	if r := w.do("GET", "/v3/users/", w.x.key, nil); r.body["count"].(float64) != 0 {
		t.Fatalf("the issuer sees the partner's users: %s", r.raw)
	}

	path := "/v3/users/" + url.PathEscape("partner user/42") + "/"
	one := w.do("GET", path, w.y.key, nil)
	expect(t, one, 200, "one user")
	sessions := one.body["sessions"].([]any)
	last, _ := one.body["last_decision"].(map[string]any)
	if len(sessions) != 1 || last == nil || last["session_id"] != first.str("session_id") || last["status"] != "Approved" {
		t.Fatalf("user detail %s", one.raw)
	}
	expectDetail(t, w.do("GET", path, w.x.key, nil), 404, "another application's user")
	expectDetail(t, w.do("GET", "/v3/businesses/"+url.PathEscape("partner user/42")+"/", w.y.key, nil), 404, "a user is not a business")
	expectDetail(t, w.do("GET", "/v3/users/nobody/", w.y.key, nil), 404, "unknown vendor_data")

	// Blocking: the reason is audited, the next import lands In Review.
	upd := w.do("PATCH", path+"update-status/", w.y.key, map[string]any{"status": "BLOCKED", "reason": "chargeback fraud"})
	expect(t, upd, 200, "block")
	if upd.str("status") != "BLOCKED" {
		t.Fatalf("after block: %s", upd.raw)
	}
	expect(t, w.do("PATCH", path+"update-status/", w.y.key, map[string]any{"status": "BLOCKED"}), 200, "no-op")
	again := imp(w.session(w.x, domain.KindUser, domain.PhaseApproved), "wf_partner_kyc", "partner user/42", true)
	if again.str("status") != "In Review" {
		t.Fatalf("a blocked user's trusted import landed %q", again.str("status"))
	}
	_, _, pdf := w.getPDF("/v3/session/"+again.str("session_id")+"/generate-pdf", w.y.key)
	if text := strings.ReplaceAll(pdfText(t, pdf), "\n", " "); !strings.Contains(text, "blocked_entity") || !strings.Contains(text, "is BLOCKED") {
		t.Fatalf("the case file does not carry the blocked finding:\n%s", text)
	}
	blocked := w.do("GET", "/v3/users/?status=BLOCKED", w.y.key, nil)
	if blocked.body["count"].(float64) != 1 || w.do("GET", "/v3/users/?status=ACTIVE", w.y.key, nil).body["count"].(float64) != 0 {
		t.Fatalf("status filter: %s", blocked.raw)
	}
	if r := w.do("GET", "/v3/users/?search=user%2F4", w.y.key, nil); r.body["count"].(float64) != 1 {
		t.Fatalf("search: %s", r.raw)
	}

	expectField(t, w.do("PATCH", path+"update-status/", w.y.key, map[string]any{"status": "Approved"}), "status", "a session status")
	expectField(t, w.do("PATCH", path+"update-status/", w.y.key, map[string]any{}), "status", "missing status")
	expectDetail(t, w.do("PATCH", path+"update-status/", w.x.key, map[string]any{"status": "ACTIVE"}), 404, "another application")
	expectDetail(t, w.do("PATCH", path+"update-status/", w.key(w.y, domain.PrivReadSessions), map[string]any{"status": "ACTIVE"}), 403, "read-only key")
	expectField(t, w.do("GET", "/v3/users/?status=GONE", w.y.key, nil), "status", "bad status filter")
	expectField(t, w.do("GET", "/v3/users/?limit=500", w.y.key, nil), "limit", "limit past the maximum")
	if r := w.do("GET", "/v3/users/?status=BLOCKED", w.y.key, nil); r.body["results"].([]any)[0].(map[string]any)["session_count"].(float64) != 2 {
		t.Fatalf("counts after the second import: %s", r.raw)
	}
}
