package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"handoff/domain"
)

func (w *world) systemList(a app, et string) string {
	w.t.Helper()
	r := w.do("GET", "/v3/lists/?list_type=blocklist&entry_type="+et, a.key, nil)
	expect(w.t, r, 200, "system list")
	rows := r.body["results"].([]any)
	if len(rows) != 1 {
		w.t.Fatalf("%d %s blocklists", len(rows), et)
	}
	return rows[0].(map[string]any)["uuid"].(string)
}

func TestListsAPI(t *testing.T) {
	w := newWorld(t)
	// Every application starts with one system blocklist per entry type.
	r := w.do("GET", "/v3/lists/?limit=3", w.y.key, nil)
	expect(t, r, 200, "lists")
	if r.body["count"].(float64) != float64(len(domain.EntryTypes)) || len(r.body["results"].([]any)) != 3 || r.body["next"] == nil || r.body["previous"] != nil {
		t.Fatalf("first page: %s", r.raw)
	}
	r = w.do("GET", "/v3/lists/?limit=3&offset=6", w.y.key, nil)
	if len(r.body["results"].([]any)) != 2 || r.body["next"] != nil || r.body["previous"] == nil {
		t.Fatalf("last page: %s", r.raw)
	}
	for q, field := range map[string]string{"list_type=nope": "list_type", "entry_type=wallet_address": "entry_type", "limit=0": "limit", "offset=x": "offset"} {
		expectField(t, w.do("GET", "/v3/lists/?"+q, w.y.key, nil), field, q)
	}

	// Create: only allowlists and custom lists, names unique.
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"list_type": "allowlist", "entry_type": "email"}, "name"},
		{map[string]any{"name": "a", "list_type": "blocklist", "entry_type": "email"}, "list_type"},
		{map[string]any{"name": "a", "list_type": "allowlist", "entry_type": "wallet_address"}, "entry_type"},
		{map[string]any{"name": "a", "list_type": "allowlist"}, "entry_type"},
		{map[string]any{"name": 7, "list_type": "allowlist", "entry_type": "email"}, "name"},
	} {
		expectField(t, w.do("POST", "/v3/lists/", w.y.key, c.body), c.field, c.field)
	}
	r = w.do("POST", "/v3/lists/", w.y.key, map[string]any{"name": "VIP e-mails", "list_type": "allowlist", "entry_type": "email", "description": "staff"})
	expect(t, r, 201, "create")
	allow := r.str("uuid")
	if r.body["is_system"] != false || r.body["entry_count"].(float64) != 0 || r.body["last_entry_added_at"] != nil {
		t.Fatalf("created: %s", r.raw)
	}
	expectField(t, w.do("POST", "/v3/lists/", w.y.key, map[string]any{"name": "VIP e-mails", "list_type": "custom", "entry_type": "phone"}), "name", "same name")

	// Get, patch, and another application's ids are 404.
	expect(t, w.do("GET", "/v3/lists/"+allow+"/", w.y.key, nil), 200, "get")
	expectDetail(t, w.do("GET", "/v3/lists/"+allow+"/", w.x.key, nil), 404, "X reads Y's list")
	expectDetail(t, w.do("GET", "/v3/lists/not-a-uuid/", w.y.key, nil), 404, "bad uuid")
	r = w.do("PATCH", "/v3/lists/"+allow+"/", w.y.key, map[string]any{"name": "VIPs"})
	if expect(t, r, 200, "rename"); r.str("name") != "VIPs" || r.str("description") != "staff" {
		t.Fatalf("patched: %s", r.raw)
	}
	expectDetail(t, w.do("PATCH", "/v3/lists/"+allow+"/", w.x.key, map[string]any{"name": "mine"}), 404, "X renames Y's list")
	sys := w.systemList(w.y, "document")
	expectField(t, w.do("PATCH", "/v3/lists/"+sys+"/", w.y.key, map[string]any{"name": "Docs"}), "name", "rename a system list")
	expect(t, w.do("PATCH", "/v3/lists/"+sys+"/", w.y.key, map[string]any{"description": "ours"}), 200, "describe a system list")
	expectDetail(t, w.do("DELETE", "/v3/lists/"+sys+"/", w.y.key, nil), 400, "delete a system list")

	// Entries: normalised, searched, paged; bad values name the field.
	r = w.do("POST", "/v3/lists/"+allow+"/entries/", w.y.key, map[string]any{"value": " Maria.P+shop@GoogleMail.com ", "display_label": "Maria", "comment": "CEO", "metadata": map[string]any{"k": 1}})
	if expect(t, r, 201, "add"); r.str("value") != "mariap@gmail.com" || r.str("comment") != "CEO" || r.body["metadata"].(map[string]any)["k"] != 1.0 {
		t.Fatalf("entry: %s", r.raw)
	}
	entry := r.str("uuid")
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{}, "value"},
		{map[string]any{"value": "not an address"}, "value"},
		{map[string]any{"value": "mariap@gmail.com"}, "value"}, // already on the list
		{map[string]any{"value": "b@example.com", "metadata": []int{1}}, "metadata"},
		{map[string]any{"reference_session_id": "nope"}, "reference_session_id"},
		{map[string]any{"value": "c@example.com", "comment": 5}, "comment"},
	} {
		expectField(t, w.do("POST", "/v3/lists/"+allow+"/entries/", w.y.key, c.body), c.field, c.field)
	}
	w.do("POST", "/v3/lists/"+allow+"/entries/", w.y.key, map[string]any{"value": "zed@example.org", "display_label": "Zed"})
	// The values are sealed at rest; a search still finds them, by label
	// or by a piece of the value, and pages what it finds.
	var raw []string
	if err := w.db.SelectContext(context.Background(), &raw, `SELECT t::text FROM list_entries t`); err != nil {
		t.Fatal(err)
	}
	if rows := strings.Join(raw, "\n"); strings.Contains(rows, "mariap") || strings.Contains(rows, "Maria") || strings.Contains(rows, "zed@") {
		t.Fatalf("a list entry in the clear: %s", rows)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{{"MARIA", []string{"mariap@gmail.com"}}, {"GMAIL.c", []string{"mariap@gmail.com"}}, {"zed", []string{"zed@example.org"}},
		{"example", []string{"zed@example.org"}}, {"@", []string{"zed@example.org", "mariap@gmail.com"}}, {"CEO", nil}} {
		r = w.do("GET", "/v3/lists/"+allow+"/entries/?search="+url.QueryEscape(c.query), w.y.key, nil)
		expect(t, r, 200, "search "+c.query)
		res, _ := r.body["results"].([]any)
		if r.body["count"].(float64) != float64(len(c.want)) || len(res) != len(c.want) {
			t.Fatalf("search %q: %s", c.query, r.raw)
		}
		for i, v := range c.want {
			if res[i].(map[string]any)["value"] != v {
				t.Fatalf("search %q: %s", c.query, r.raw)
			}
		}
	}
	r = w.do("GET", "/v3/lists/"+allow+"/entries/?search=%40&limit=1&offset=1", w.y.key, nil)
	if res, _ := r.body["results"].([]any); r.body["count"].(float64) != 2 || len(res) != 1 || res[0].(map[string]any)["value"] != "mariap@gmail.com" {
		t.Fatalf("second page of a search: %s", r.raw)
	}
	r = w.do("GET", "/v3/lists/"+allow+"/entries/?limit=1", w.y.key, nil)
	if r.body["count"].(float64) != 2 || r.body["next"] == nil {
		t.Fatalf("page: %s", r.raw)
	}
	if r := w.do("GET", "/v3/lists/"+allow+"/", w.y.key, nil); r.body["entry_count"].(float64) != 2 || r.body["last_entry_added_at"] == nil {
		t.Fatalf("counts: %s", r.raw)
	}
	expectDetail(t, w.do("GET", "/v3/lists/"+allow+"/entries/", w.x.key, nil), 404, "X reads Y's entries")
	expectDetail(t, w.do("POST", "/v3/lists/"+allow+"/entries/", w.x.key, map[string]any{"value": "a@example.com"}), 404, "X adds to Y's list")
	expectDetail(t, w.do("DELETE", "/v3/lists/"+allow+"/entries/"+entry+"/", w.x.key, nil), 404, "X removes Y's entry")

	// From a session: the value is taken by the list's entry type; X's session is a 404.
	xs := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	expectDetail(t, w.do("POST", "/v3/lists/"+sys+"/entries/", w.y.key, map[string]any{"reference_session_id": xs.ID}), 404, "another application's session")
	ys := w.session(w.y, domain.KindUser, domain.PhaseApproved)
	r = w.do("POST", "/v3/lists/"+sys+"/entries/", w.y.key, map[string]any{"reference_session_id": ys.ID, "comment": "stolen"})
	if expect(t, r, 201, "from session"); r.str("reference_session_id") != ys.ID.String() || r.body["reference_session_number"].(float64) != float64(ys.Number) {
		t.Fatalf("from session: %s", r.raw)
	}
	expectField(t, w.do("POST", "/v3/lists/"+sys+"/entries/", w.y.key, map[string]any{"reference_session_id": ys.ID, "value": "GRC passport ZZ0000000"}), "value", "value not in the session")

	// Delete an entry, then the list.
	expect(t, w.do("DELETE", "/v3/lists/"+allow+"/entries/"+entry+"/", w.y.key, nil), 204, "remove")
	expectDetail(t, w.do("DELETE", "/v3/lists/"+allow+"/entries/"+entry+"/", w.y.key, nil), 404, "remove twice")
	expectDetail(t, w.do("DELETE", "/v3/lists/"+allow+"/", w.x.key, nil), 404, "X deletes Y's list")
	expect(t, w.do("DELETE", "/v3/lists/"+allow+"/", w.y.key, nil), 204, "delete")
	expectDetail(t, w.do("GET", "/v3/lists/"+allow+"/entries/", w.y.key, nil), 404, "entries of a deleted list")
}

// A partner's blocklist holds a trusted import In Review over HTTP.
func TestBlocklistHoldsImportOverHTTP(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	var doc string
	for _, id := range domain.SessionIdentifiers(src) {
		if id.Type == domain.EntryDocument {
			doc = id.Value
		}
	}
	expect(t, w.do("POST", "/v3/lists/"+w.systemList(w.y, "document")+"/entries/", w.y.key, map[string]any{"value": doc, "comment": "fraud ring"}), 201, "block")
	r := w.importAs(w.y, map[string]any{"share_token": w.mint(w.x, src.ID, w.y.id), "workflow_id": "wf_partner_kyc", "trust_review": true})
	if expect(t, r, 201, "import"); r.str("status") != "In Review" {
		t.Fatalf("trusted import of a blocklisted document: %s", r.raw)
	}
}
