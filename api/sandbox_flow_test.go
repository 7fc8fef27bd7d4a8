package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"handoff/webhookverify"
)

// receiver is a partner's webhook endpoint on 127.0.0.1 that verifies
// every delivery with webhookverify, as the partner's back end would.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	events []map[string]any
	copies map[string]int // deliveries per event_id, repeats included
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t, copies: map[string]int{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err := webhookverify.VerifySimple(rc.secret, r.Header, body, time.Now()); err != nil {
			t.Errorf("X-Signature-Simple does not verify: %v\n%s", err, body)
		}
		if err := webhookverify.Verify(rc.secret, r.Header, body, time.Now()); err != nil {
			t.Errorf("delivery does not verify: %v\n%s", err, body)
			rw.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev map[string]any
		json.Unmarshal(body, &ev)
		rc.copies[ev["event_id"].(string)]++
		for _, seen := range rc.events { // delivery is at least once
			if seen["event_id"] == ev["event_id"] {
				return
			}
		}
		rc.events = append(rc.events, ev)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// all is what arrived so far, once per event.
func (rc *receiver) all() []map[string]any {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]map[string]any(nil), rc.events...)
}

// statuses waits for n events and lists "session_id status" of each,
// sorted: deliveries of one session may arrive out of order (the body's
// timestamp orders them).
func (rc *receiver) statuses(n int) []string {
	rc.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rc.mu.Lock()
		got := len(rc.events)
		if got >= n {
			out := make([]string, got)
			for i, ev := range rc.events {
				out[i] = ev["session_id"].(string) + " " + ev["status"].(string)
			}
			rc.mu.Unlock()
			sort.Strings(out)
			return out
		}
		rc.mu.Unlock()
		if time.Now().After(deadline) {
			rc.t.Fatalf("%d of %d webhooks arrived within 10 s", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A partner tests its whole flow against the sandbox, over HTTP only:
// create → complete → share → import → reconcile → review, with every
// status change reaching its webhook receiver signed and verifiable.
func TestSandboxFlowOverHTTP(t *testing.T) {
	w := newWorld(t)
	w.svc.SetPrivateWebhooks(true) // the receivers are on loopback
	w.deliver()

	hooks := map[string]*receiver{}
	for name, a := range map[string]app{"x": w.x, "y": w.y} {
		rc := newReceiver(t)
		r := w.do("POST", destinations, a.key, map[string]any{"url": rc.srv.URL + "/didit", "subscribed_events": []string{"status.updated"}})
		expect(t, r, 201, "destination")
		rc.mu.Lock()
		rc.secret = r.str("secret_shared_key")
		rc.mu.Unlock()
		hooks[name] = rc
	}

	// Service X: a session, completed in the sandbox.
	c := w.do("POST", "/v3/session/", w.x.key, map[string]any{"workflow_id": "wf_x_kyc", "vendor_data": "x-user-1",
		"metadata": map[string]any{"tier": "gold"}})
	expect(t, c, 201, "create")
	src := c.str("session_id")
	expect(t, w.do("POST", "/v3/session/"+src+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "Approved"}), 200, "complete")
	if got := strings.Join(hooks["x"].statuses(2), ","); got != src+" Approved,"+src+" In Progress" {
		t.Fatalf("X's webhooks: %s", got)
	}

	// Every event carries the session's metadata; the finished one its
	// decision, as the decision endpoint answers it (its link aside).
	for _, ev := range hooks["x"].all() {
		if ev["metadata"].(map[string]any)["tier"] != "gold" {
			t.Fatalf("X's %s event: %v", ev["status"], ev)
		}
	}
	wantDecision(t, w, w.x, hooks["x"].all(), src, "Approved")

	// Share, import untrusted, reconcile as after a lost 201, decide.
	share := w.do("POST", "/v3/session/"+src+"/share/", w.x.key, map[string]any{"for_application_id": w.y.id.String(), "ttl_in_seconds": 600})
	expect(t, share, 201, "share")
	imp := w.importAs(w.y, map[string]any{"share_token": share.str("share_token"), "workflow_id": "wf_partner_kyc",
		"vendor_data": "y-user-9", "trust_review": false})
	expect(t, imp, 201, "import")
	clone := imp.str("session_id")
	if imp.str("status") != "In Review" || imp.str("shared_from_session") != src {
		t.Fatalf("import: %s", imp.raw)
	}
	expectDetail(t, w.importAs(w.y, map[string]any{"share_token": share.str("share_token"), "workflow_id": "wf_partner_kyc"}), 403, "retry")
	found := w.do("GET", "/v3/sessions/?shared_from_session="+src, w.y.key, nil)
	if ids := ids(t, found); len(ids) != 1 || ids[0] != clone {
		t.Fatalf("reconcile: %s", found.raw)
	}
	upd := w.do("PATCH", "/v3/session/"+clone+"/update-status/", w.y.key, map[string]any{"new_status": "Declined", "comment": "own review"})
	expect(t, upd, 200, "decide")
	if got := strings.Join(hooks["y"].statuses(2), ","); got != clone+" Declined,"+clone+" In Review" {
		t.Fatalf("Y's webhooks: %s", got)
	}
	wantDecision(t, w, w.y, hooks["y"].all(), clone, "Declined")
	if u := w.do("GET", "/v3/users/y-user-9/", w.y.key, nil); u.body["last_decision"].(map[string]any)["status"] != "Declined" {
		t.Fatalf("Y's user: %s", u.raw)
	}
	if code, _, pdf := w.getPDF("/v3/session/"+clone+"/generate-pdf", w.y.key); code != 200 || !strings.Contains(strings.ReplaceAll(pdfText(t, pdf), "\n", " "), "own review") {
		t.Fatalf("case file: %d\n%s", code, pdfText(t, pdf))
	}
	// KYB events say so.
	b := w.do("POST", "/v3/session/", w.x.key, map[string]any{"workflow_id": "wf_x_kyb"}).str("session_id")
	expect(t, w.do("POST", "/v3/session/"+b+"/sandbox/complete/", w.x.key, map[string]any{"outcome": "Declined"}), 200, "KYB")
	hooks["x"].statuses(4)
	for _, ev := range hooks["x"].all()[2:] {
		if ev["session_kind"] != "business" || ev["business_session_id"] != b || ev["metadata"] != nil {
			t.Fatalf("KYB event %v", ev)
		}
		if dec, _ := ev["decision"].(map[string]any); ev["status"] == "DECLINED" && (dec["session_kind"] != "business" || dec["registry_checks"] == nil) {
			t.Fatalf("KYB decision %v", dec)
		}
	}

	// Y's destination sums up what it delivered.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, list := w.doList(destinations, w.y.key)
		sum := list[0]["summary"].(map[string]any)
		if sum["total_deliveries"].(float64) == 2 && sum["failed_deliveries"].(float64) == 0 && sum["avg_response_time_ms"] != nil &&
			sum["last_delivery_at"] != nil && sum["min_response_time_ms"].(float64) <= sum["max_response_time_ms"].(float64) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Y's delivery summary %v", sum)
		}
	}
	// The session's deliveries, and one sent again on request.
	code, dl := w.doList("/v3/session/"+clone+"/webhooks/", w.y.key)
	if code != 200 || len(dl) != 2 {
		t.Fatalf("session webhooks %d %v", code, dl)
	}
	first := dl[0]
	if first["state"] != "delivered" || first["webhook_type"] != "status.updated" || len(first["attempts"].([]any)) != 1 ||
		first["attempts"].([]any)[0].(map[string]any)["status_code"].(float64) != 200 {
		t.Fatalf("delivery %v", first)
	}
	if code, _ := w.doList("/v3/session/"+clone+"/webhooks/", w.x.key); code != 404 {
		t.Fatalf("another application's session webhooks: %d", code)
	}
	expectDetail(t, w.do("POST", "/v3/session/"+clone+"/webhooks/"+src+"/resend/", w.y.key, nil), 404, "unknown delivery")
	re := w.do("POST", "/v3/session/"+clone+"/webhooks/"+first["delivery_id"].(string)+"/resend/", w.y.key, nil)
	expect(t, re, 202, "resend")
	ev := first["event_id"].(string)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		hooks["y"].mu.Lock()
		n := hooks["y"].copies[ev]
		hooks["y"].mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the resent delivery arrived %d times", n)
		}
	}
	// Each receiver heard only its own application's sessions.
	if got := hooks["x"].statuses(4); len(got) != 4 {
		t.Fatalf("X heard %v", got)
	}
}

// wantDecision checks the events of one session: the one of final status
// carries the decision object the decision endpoint answers with (link
// aside); an unfinished status carries none, nor does an earlier finished
// one sent after the session moved on to final.
func wantDecision(t *testing.T, w *world, a app, events []map[string]any, session, final string) {
	t.Helper()
	dec := w.do("GET", "/v3/session/"+session+"/decision/", a.key, nil)
	expect(t, dec, 200, "decision")
	delete(dec.body, "session_url")
	want, _ := json.Marshal(withoutMedia(dec.body)) // links need the decision endpoint
	seen := false
	for _, ev := range events {
		got, has := ev["decision"].(map[string]any)
		switch {
		case ev["session_id"] != session:
		case ev["status"] == "In Progress" || ev["status"] == "IN_PROGRESS":
			if has {
				t.Errorf("an unfinished status with a decision: %v", ev)
			}
		case ev["status"] != final:
			if has && got["status"] != ev["status"] {
				t.Errorf("an event's status and its decision's differ: %v", ev)
			}
		case !has:
			t.Errorf("the final status without its decision: %v", ev)
		default:
			seen = true
			if got["session_url"] != nil {
				t.Errorf("a webhook decision has no link: %v", got["session_url"])
			}
			delete(got, "session_url")
			if b, _ := json.Marshal(withoutMedia(got)); string(b) != string(want) {
				t.Errorf("the %s event's decision differs from the decision endpoint's:\n%s\n%s", final, b, want)
			}
		}
	}
	if !seen {
		t.Errorf("no %s event for %s", final, session)
	}
}
