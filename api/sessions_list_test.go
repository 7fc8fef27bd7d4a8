package api_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"handoff/demo"
	"handoff/domain"
)

func (w *world) generate(a app, n int, kind domain.Kind) []domain.Session {
	w.t.Helper()
	var out []domain.Session
	var mu sync.Mutex
	err := demo.Generate(context.Background(), w.svc, demo.Options{App: a.id, Count: n, Kind: kind,
		Seed: uint64(time.Now().UnixNano()), Actor: "test"}, func(s domain.Session) { mu.Lock(); out = append(out, s); mu.Unlock() })
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// ids lists the session_id of each row of a list response.
func ids(t *testing.T, r response) []string {
	t.Helper()
	rows, ok := r.body["results"].([]any)
	if !ok {
		t.Fatalf("no results in %s", r.raw)
	}
	out := make([]string, len(rows))
	for i, row := range rows {
		out[i] = row.(map[string]any)["session_id"].(string)
	}
	return out
}

// follow requests an absolute next/previous link of the test server.
func (w *world) follow(key string, link any) response {
	w.t.Helper()
	s, ok := link.(string)
	if !ok {
		w.t.Fatalf("link %v is not a URL", link)
	}
	if !strings.HasPrefix(s, w.url+"/v3/") {
		w.t.Fatalf("link %q is not an absolute URL of this server", s)
	}
	return w.do("GET", strings.TrimPrefix(s, w.url), key, nil)
}

func TestListSessionsFilters(t *testing.T) {
	w := newWorld(t)
	approved := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	declined := w.session(w.x, domain.KindUser, domain.PhaseDeclined)
	kyb := w.session(w.x, domain.KindBusiness, domain.PhaseApproved)
	imp := w.importAs(w.y, map[string]any{"share_token": w.mint(w.x, approved.ID, w.y.id), "workflow_id": "wf_partner_kyc",
		"vendor_data": "partner-user-42"})
	expect(t, imp, 201, "import")

	list := func(a app, query string) []string {
		t.Helper()
		r := w.do("GET", "/v3/sessions/?"+query, a.key, nil)
		expect(t, r, 200, query)
		if got := int(r.body["count"].(float64)); got != len(ids(t, r)) {
			t.Fatalf("%s: count %d for %d rows", query, got, len(ids(t, r)))
		}
		return ids(t, r)
	}
	same := func(what string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("%s:\n got %v\nwant %v", what, got, want)
		}
	}
	same("default is user sessions, newest first", list(w.x, ""), declined.ID.String(), approved.ID.String())
	same("business", list(w.x, "session_kind=business"), kyb.ID.String())
	same("all", list(w.x, "session_kind=all"), kyb.ID.String(), declined.ID.String(), approved.ID.String())
	same("status", list(w.x, "status=Approved"), approved.ID.String())
	same("status in either casing, both kinds", list(w.x, "session_kind=all&status="+url.QueryEscape("APPROVED,In Review")),
		kyb.ID.String(), approved.ID.String())
	same("vendor_data", list(w.x, "vendor_data="+url.QueryEscape(declined.VendorData)), declined.ID.String())
	same("search", list(w.x, "session_kind=all&search="+declined.ID.String()[:8]), declined.ID.String())
	same("workflow_id", list(w.x, "workflow_id=wf_x_kyb&session_kind=all"), kyb.ID.String())
	// Generated sessions are dated a little in the past (their captures
	// too), so the window is their own days, not today's.
	from, to := approved.CreatedAt.UTC().Format(time.DateOnly), declined.CreatedAt.UTC().Format(time.DateOnly)
	same("date window", list(w.x, "date_from="+from+"&date_to="+to), declined.ID.String(), approved.ID.String())
	same("date_to excludes later days", list(w.x, "date_to="+approved.CreatedAt.UTC().AddDate(0, 0, -1).Format(time.DateOnly)))

	// Reconciling a lost 201: the importer finds its clone by source.
	same("shared_from_session", list(w.y, "shared_from_session="+approved.ID.String()), imp.str("session_id"))
	same("another application's sessions are not listed", list(w.y, "vendor_data="+url.QueryEscape(approved.VendorData)))
	same("the issuer has no clone", list(w.x, "shared_from_session="+approved.ID.String()))

	row := w.do("GET", "/v3/sessions/?shared_from_session="+approved.ID.String(), w.y.key, nil).body["results"].([]any)[0].(map[string]any)
	if row["session_kind"] != "user" || row["vendor_data"] != "partner-user-42" || row["full_name"] == nil ||
		row["workflow_id"] != "wf_partner_kyc" || len(row["features"].([]any)) != 9 {
		t.Fatalf("row %v", row)
	}

	for _, bad := range []struct{ query, field string }{
		{"session_kind=people", "session_kind"},
		{"status=Finished", "status"},
		{"limit=0", "limit"},
		{"limit=201", "limit"},
		{"limit=ten", "limit"},
		{"offset=-1", "offset"},
		{"date_from=yesterday", "date_from"},
		{"date_to=2026-13-01", "date_to"},
		{"shared_from_session=nope", "shared_from_session"},
		{"vendor_data=" + strings.Repeat("v", 257), "vendor_data"},
	} {
		expectField(t, w.do("GET", "/v3/sessions/?"+bad.query, w.x.key, nil), bad.field, bad.query)
	}
	expect(t, w.do("GET", "/v3/sessions/?limit=200", w.x.key, nil), 200, "the documented maximum")
	expectDetail(t, w.do("GET", "/v3/sessions/", "", nil), 401, "no key")
	expectDetail(t, w.do("GET", "/v3/sessions/", w.key(w.x, domain.PrivWriteWebhooks), nil), 403, "no read:sessions")
}

func TestListSessionsPagination(t *testing.T) {
	w := newWorld(t)
	all := w.generate(w.x, 23, domain.KindUser)
	var want []string // newest first
	for i := len(all) - 1; i >= 0; i-- {
		want = append(want, all[i].ID.String())
	}

	p1 := w.do("GET", "/v3/sessions/?limit=10", w.x.key, nil)
	expect(t, p1, 200, "page 1")
	if p1.body["count"].(float64) != 23 || p1.body["previous"] != nil || strings.Join(ids(t, p1), ",") != strings.Join(want[:10], ",") {
		t.Fatalf("page 1: %s", p1.raw)
	}
	next, _ := url.Parse(p1.body["next"].(string))
	if next.Query().Get("limit") != "10" || next.Query().Get("offset") != "10" {
		t.Fatalf("next link %s", next)
	}

	// Sessions added while a client pages do not shift the pages it follows.
	w.generate(w.x, 5, domain.KindUser)
	p2 := w.follow(w.x.key, p1.body["next"])
	if got := strings.Join(ids(t, p2), ","); got != strings.Join(want[10:20], ",") {
		t.Fatalf("page 2 after concurrent inserts:\n got %s\nwant %s", got, strings.Join(want[10:20], ","))
	}
	if p2.body["count"].(float64) != 28 {
		t.Fatalf("count %v, want 28", p2.body["count"])
	}
	p3 := w.follow(w.x.key, p2.body["next"])
	if got := strings.Join(ids(t, p3), ","); got != strings.Join(want[20:], ",") || p3.body["next"] != nil {
		t.Fatalf("last page: %s", p3.raw)
	}
	back := w.follow(w.x.key, p3.body["previous"])
	if got := strings.Join(ids(t, back), ","); got != strings.Join(want[10:20], ",") {
		t.Fatalf("previous of the last page:\n got %s\nwant %s", got, strings.Join(want[10:20], ","))
	}
	first := w.follow(w.x.key, back.body["previous"])
	if got := strings.Join(ids(t, first), ","); got != strings.Join(want[:10], ",") {
		t.Fatalf("previous of page 2:\n got %s\nwant %s", got, strings.Join(want[:10], ","))
	}
	if first.body["previous"] == nil {
		t.Fatal("the five newer sessions are above the first page followed back; previous should lead to them")
	}
	newest := w.follow(w.x.key, first.body["previous"])
	if n := len(ids(t, newest)); n != 5 || newest.body["previous"] != nil {
		t.Fatalf("the newer sessions: %d rows, previous %v", n, newest.body["previous"])
	}

	// A hand-made offset is honoured, and past the end is an empty page.
	off := w.do("GET", "/v3/sessions/?limit=5&offset=5", w.x.key, nil)
	if len(ids(t, off)) != 5 || off.body["previous"] == nil {
		t.Fatalf("offset page: %s", off.raw)
	}
	end := w.do("GET", "/v3/sessions/?limit=5&offset=100", w.x.key, nil)
	if len(ids(t, end)) != 0 || end.body["next"] != nil || end.body["previous"] == nil {
		t.Fatalf("past the end: %s", end.raw)
	}
	expectDetail(t, w.do("GET", "/v3/sessions/?before=3&after=1", w.x.key, nil), 400, "both cursors")
}

// Paging the whole list while another client inserts sees every session
// that existed when it started exactly once, in order.
func TestListSessionsStableUnderConcurrentInserts(t *testing.T) {
	w := newWorld(t)
	base := w.generate(w.x, 30, domain.KindUser)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				demo.Generate(context.Background(), w.svc, demo.Options{App: w.x.id, Count: 2, Kind: domain.KindUser,
					Seed: uint64(time.Now().UnixNano()), Actor: "test"}, func(domain.Session) {})
			}
		}
	}()
	seen := map[string]bool{}
	var last float64 = 1 << 52
	r := w.do("GET", "/v3/sessions/?limit=4", w.x.key, nil)
	for {
		expect(t, r, 200, "page")
		for _, row := range r.body["results"].([]any) {
			m := row.(map[string]any)
			id, n := m["session_id"].(string), m["session_number"].(float64)
			if seen[id] || n >= last {
				t.Fatalf("session %s (#%v) repeated or out of order after #%v", id, n, last)
			}
			seen[id], last = true, n
		}
		if r.body["next"] == nil {
			break
		}
		r = w.follow(w.x.key, r.body["next"])
	}
	close(stop)
	<-done
	for _, s := range base {
		if !seen[s.ID.String()] {
			t.Fatalf("session #%d was skipped", s.Number)
		}
	}
}

func TestListWorkflows(t *testing.T) {
	w := newWorld(t)
	code, list := w.doList("/v3/workflows/", w.y.key)
	if code != 200 || len(list) != 2 {
		t.Fatalf("%d %v", code, list)
	}
	got := map[string]string{}
	for _, wf := range list {
		got[wf["workflow_id"].(string)] = wf["workflow_type"].(string) + "/" + wf["session_kind"].(string)
	}
	if got["wf_partner_kyc"] != "kyc/user" || got["wf_partner_kyb"] != "kyb/business" {
		t.Fatalf("workflows %v", got)
	}
	if code, _ := w.doList("/v3/workflows/", ""); code != 401 {
		t.Fatalf("no key: %d", code)
	}
}
