package api_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"handoff/domain"
	"handoff/review"
)

// The seed's whole recipe: X mints for a finished KYC and a finished KYB
// session, Y imports with either trust_review, and gets exact clones.
func TestSeedWalkthrough(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		kind       domain.Kind
		phase      domain.Phase
		trust      bool
		workflow   string
		wantStatus string
	}{
		{domain.KindUser, domain.PhaseApproved, true, "wf_partner_kyc", "Approved"},
		{domain.KindUser, domain.PhaseApproved, false, "wf_partner_kyc", "In Review"},
		{domain.KindUser, domain.PhaseDeclined, true, "wf_partner_kyc", "Declined"},
		{domain.KindBusiness, domain.PhaseApproved, true, "wf_partner_kyb", "APPROVED"},
		{domain.KindBusiness, domain.PhaseApproved, false, "wf_partner_kyb", "IN_REVIEW"},
		{domain.KindBusiness, domain.PhaseInReview, true, "wf_partner_kyb", "IN_REVIEW"},
	}
	var lastNumber float64
	for i, tc := range cases {
		src := w.session(w.x, tc.kind, tc.phase)
		minted := w.share(w.x, src.ID, map[string]any{"for_application_id": w.y.id.String(), "ttl_in_seconds": 3600})
		expect(t, minted, 201, "share")
		if minted.str("for_application_id") != w.y.id.String() || minted.str("session_kind") != string(tc.kind) ||
			!strings.HasPrefix(minted.str("share_token"), "eyJ") || len(minted.body) != 3 {
			t.Fatalf("share response %s", minted.raw)
		}

		vendor := "partner-user-42-" + string(rune('a'+i))
		imp := w.importAs(w.y, map[string]any{"share_token": minted.str("share_token"), "workflow_id": tc.workflow,
			"vendor_data": vendor, "trust_review": tc.trust})
		expect(t, imp, 201, "import")

		wantKeys := append([]string{"session_id", "session_number", "session_kind", "status", "workflow_id", "vendor_data",
			"shared_from_session", "created_at"}, domain.Families(tc.kind)...)
		var gotKeys []string
		for k := range imp.body {
			gotKeys = append(gotKeys, k)
		}
		sort.Strings(gotKeys)
		sort.Strings(wantKeys)
		if strings.Join(gotKeys, ",") != strings.Join(wantKeys, ",") {
			t.Fatalf("import keys\n got %v\nwant %v", gotKeys, wantKeys)
		}
		if imp.str("session_id") == src.ID.String() || imp.str("shared_from_session") != src.ID.String() ||
			imp.str("session_kind") != string(tc.kind) || imp.str("status") != tc.wantStatus ||
			imp.str("vendor_data") != vendor || imp.str("workflow_id") != tc.workflow {
			t.Fatalf("import fields: %s", imp.raw)
		}
		if n := imp.body["session_number"].(float64); n <= lastNumber {
			t.Fatalf("session_number %v after %v", n, lastNumber)
		} else {
			lastNumber = n
		}
		if _, err := time.Parse(time.RFC3339Nano, imp.str("created_at")); err != nil {
			t.Fatalf("created_at: %v", err)
		}

		// The clone is exact: every family equals the source's, as X reads it.
		orig := w.do("GET", "/v3/session/"+src.ID.String()+"/decision/", w.x.key, nil)
		expect(t, orig, 200, "source decision")
		for _, f := range domain.Families(tc.kind) {
			a, _ := json.Marshal(withoutMedia(orig.body[f])) // links are per application
			b, _ := json.Marshal(withoutMedia(imp.body[f]))
			if string(a) != string(b) || string(a) == "[]" {
				t.Fatalf("%s differs or is empty:\nsource %s\nclone  %s", f, a, b)
			}
		}
		// Y reads the same session back, with its provenance (an
		// extension the import response leaves out).
		again := w.do("GET", "/v3/session/"+imp.str("session_id")+"/decision/", w.y.key, nil)
		expect(t, again, 200, "clone decision")
		prov, _ := again.body["provenance"].(map[string]any)
		if prov["source_session_id"] != src.ID.String() || prov["mint_leaf_hash"] == nil {
			t.Fatalf("clone decision provenance: %s", again.raw)
		}
		for _, extra := range []string{"provenance", "findings", "reviews", "session_url"} {
			delete(again.body, extra) // the decision response's own fields
		}
		a, _ := json.Marshal(withoutMedia(again.body)) // links are minted per reading
		b, _ := json.Marshal(withoutMedia(imp.body))
		if string(a) != string(b) {
			t.Fatalf("decision differs from import response:\n%s\n%s", a, b)
		}
	}
}

func TestImportCreatesEntityAndAuditInBothApplications(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	tok := w.mint(w.x, src.ID, w.y.id)
	imp := w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyc", "vendor_data": "partner-user-42"})
	expect(t, imp, 201, "import")

	var entities int
	w.db.Get(&entities, `SELECT count(*) FROM entities WHERE application_id = $1 AND vendor_data = 'partner-user-42' AND kind = 'user'`, w.y.id)
	if entities != 1 {
		t.Fatalf("%d entities for partner-user-42", entities)
	}
	w.seal()
	for _, tc := range []struct {
		app    string
		action string
	}{{w.y.id.String(), domain.ActionSessionImported}, {w.x.id.String(), domain.ActionTokenImported}} {
		var details string
		if err := w.db.Get(&details, `SELECT details::text FROM audit_events WHERE application_id = $1 AND action = $2`, tc.app, tc.action); err != nil {
			t.Fatalf("%s in %s: %v", tc.action, tc.app, err)
		}
		for _, want := range []string{src.ID.String(), w.x.id.String(), imp.str("session_id"), "minted_by", "imported_by"} {
			if !strings.Contains(details, want) {
				t.Fatalf("%s details lack %s: %s", tc.action, want, details)
			}
		}
	}
	for _, a := range []app{w.x, w.y} {
		rep, err := w.svc.VerifyAudit(context.Background(), review.Operator("test").In(a.id))
		if err != nil || rep.Break != nil || rep.Checked < 2 {
			t.Fatalf("audit chain of %s after import: %+v %v", a.id, rep, err)
		}
	}
}

func TestUpdateStatus(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindBusiness, domain.PhaseApproved)
	tok := w.mint(w.x, src.ID, w.y.id)
	imp := w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyb"})
	expect(t, imp, 201, "import")
	id := imp.str("session_id")
	path := "/v3/session/" + id + "/update-status/"

	expectField(t, w.do("PATCH", path, w.y.key, map[string]any{"new_status": "In Review"}), "new_status", "In Review")
	expectField(t, w.do("PATCH", path, w.y.key, map[string]any{}), "new_status", "missing")
	expectDetail(t, w.do("PATCH", path, w.x.key, map[string]any{"new_status": "Declined"}), 404, "other application")

	r := w.do("PATCH", path, w.y.key, map[string]any{"new_status": "Declined", "comment": "reason: document_forged"})
	expect(t, r, 200, "decline")
	if r.str("session_id") != id {
		t.Fatalf("update-status body %s", r.raw)
	}
	if got := w.do("GET", "/v3/session/"+id+"/decision/", w.y.key, nil); got.str("status") != "DECLINED" {
		t.Fatalf("status after decline %s", got.str("status"))
	}
	var n int
	w.seal()
	w.db.Get(&n, `SELECT count(*) FROM audit_events WHERE application_id = $1 AND action = $2 AND details::text LIKE '%document_forged%'`,
		w.y.id, domain.ActionStatusChanged)
	if n != 1 {
		t.Fatalf("%d audit events with the comment", n)
	}
	expect(t, w.do("PATCH", path, w.y.key, map[string]any{"new_status": "Declined"}), 200, "same status again")
	w.seal()
	w.db.Get(&n, `SELECT count(*) FROM audit_events WHERE application_id = $1 AND action = $2`, w.y.id, domain.ActionStatusChanged)
	if n != 1 {
		t.Fatalf("a no-op decision wrote an audit event (%d)", n)
	}

	unfinished := w.session(w.y, domain.KindUser, domain.PhaseInProgress)
	expectDetail(t, w.do("PATCH", "/v3/session/"+unfinished.ID.String()+"/update-status/", w.y.key,
		map[string]any{"new_status": "Approved"}), 400, "not finished")
}
