package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"handoff/domain"
	"handoff/webhookverify"
)

const destinations = "/v3/webhook/destinations/"

// public is a public address: destinations pointing at it pass the
// private-target check without a DNS lookup.
const public = "https://93.184.215.14/hooks/didit"

// doList is do for endpoints that answer a JSON array.
func (w *world) doList(path, key string) (int, []map[string]any) {
	w.t.Helper()
	req, _ := http.NewRequest("GET", w.url+path, nil)
	req.Header.Set("x-api-key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out []map[string]any
	if res.StatusCode == 200 {
		if err := json.Unmarshal(raw, &out); err != nil {
			w.t.Fatalf("GET %s: not a JSON array: %s", path, raw)
		}
	}
	return res.StatusCode, out
}

func TestDestinationsCRUD(t *testing.T) {
	w := newWorld(t)
	r := w.do("POST", destinations, w.y.key, map[string]any{"url": public, "subscribed_events": []string{"status.updated"},
		"label": "Production session webhooks"})
	expect(t, r, 201, "create")
	id := r.str("uuid")
	secret := r.str("secret_shared_key")
	if len(id) != 36 || len(secret) < 40 || r.str("url") != public || r.str("label") != "Production session webhooks" ||
		r.body["enabled"] != true || r.str("created_at") == "" || r.str("updated_at") == "" {
		t.Fatalf("created %s", r.raw)
	}
	if ev, _ := r.body["subscribed_events"].([]any); len(ev) != 1 || ev[0] != "status.updated" {
		t.Fatalf("subscribed_events %v", r.body["subscribed_events"])
	}
	r2 := w.do("POST", destinations, w.y.key, map[string]any{"url": "https://93.184.215.15/second",
		"subscribed_events": []string{"data.updated", "status.updated"}, "enabled": false})
	expect(t, r2, 201, "create a second, disabled")
	if r2.body["enabled"] != false || r2.str("label") != "" || r2.str("secret_shared_key") == secret {
		t.Fatalf("second %s", r2.raw)
	}

	// Reads never show a secret.
	status, list := w.doList(destinations, w.y.key)
	if status != 200 || len(list) != 2 || list[0]["uuid"] != id || list[1]["uuid"] != r2.str("uuid") {
		t.Fatalf("list %d %v", status, list)
	}
	got := w.do("GET", destinations+id+"/", w.y.key, nil)
	expect(t, got, 200, "get")
	for _, b := range append(list, got.body) {
		if _, ok := b["secret_shared_key"]; ok {
			t.Fatalf("a secret in a read: %v", b)
		}
		for k := range b {
			if strings.Contains(strings.ToLower(k), "secret") {
				t.Fatalf("field %q in a read", k)
			}
		}
	}
	if got.str("url") != public {
		t.Fatalf("get %s", got.raw)
	}

	// PATCH changes only what it is given.
	p := w.do("PATCH", destinations+id+"/", w.y.key, map[string]any{"label": "renamed", "enabled": false})
	expect(t, p, 200, "patch")
	if p.str("label") != "renamed" || p.body["enabled"] != false || p.str("url") != public || p.str("updated_at") == r.str("updated_at") {
		t.Fatalf("patched %s", p.raw)
	}
	p = w.do("PATCH", destinations+id+"/", w.y.key, map[string]any{"url": "http://93.184.215.14:8080/v2",
		"subscribed_events": []string{"data.updated"}})
	expect(t, p, 200, "patch url and events")
	if p.str("url") != "http://93.184.215.14:8080/v2" || p.str("label") != "renamed" {
		t.Fatalf("patched %s", p.raw)
	}
	expectField(t, w.do("PATCH", destinations+id+"/", w.y.key, map[string]any{"subscribed_events": []string{}}),
		"subscribed_events", "patch to no events")
	expectField(t, w.do("PATCH", destinations+id+"/", w.y.key, map[string]any{"url": "http://10.0.0.5/"}), "url", "patch to a private url")

	// Another application sees none of it.
	status, list = w.doList(destinations, w.x.key)
	if status != 200 || len(list) != 0 {
		t.Fatalf("X lists %d %v", status, list)
	}
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		expectDetail(t, w.do(m, destinations+id+"/", w.x.key, map[string]any{"label": "mine now"}), 404, m+" another app's destination")
	}
	expectDetail(t, w.do("GET", destinations+"not-a-uuid/", w.y.key, nil), 404, "malformed id")

	// DELETE.
	d := w.do("DELETE", destinations+id+"/", w.y.key, nil)
	if d.status != 204 || len(d.raw) != 0 {
		t.Fatalf("delete: %d %s", d.status, d.raw)
	}
	expectDetail(t, w.do("GET", destinations+id+"/", w.y.key, nil), 404, "get after delete")
	expectDetail(t, w.do("DELETE", destinations+id+"/", w.y.key, nil), 404, "delete twice")
	if _, list = w.doList(destinations, w.y.key); len(list) != 1 {
		t.Fatalf("list after delete %v", list)
	}
}

func TestDestinationValidation(t *testing.T) {
	w := newWorld(t)
	ok := []string{"status.updated"}
	for _, tc := range []struct {
		body  any
		field string
		what  string
	}{
		{map[string]any{"subscribed_events": ok}, "url", "missing url"},
		{map[string]any{"url": "", "subscribed_events": ok}, "url", "blank url"},
		{map[string]any{"url": "ftp://93.184.215.14/x", "subscribed_events": ok}, "url", "not http"},
		{map[string]any{"url": "93.184.215.14/x", "subscribed_events": ok}, "url", "no scheme"},
		{map[string]any{"url": "https:///x", "subscribed_events": ok}, "url", "no host"},
		{map[string]any{"url": "http://127.0.0.1:9000/", "subscribed_events": ok}, "url", "loopback"},
		{map[string]any{"url": "http://localhost:9000/", "subscribed_events": ok}, "url", "localhost"},
		{map[string]any{"url": "http://10.0.0.8/", "subscribed_events": ok}, "url", "private"},
		{map[string]any{"url": "http://169.254.169.254/latest/", "subscribed_events": ok}, "url", "link-local (metadata)"},
		{map[string]any{"url": "http://0.0.0.0/", "subscribed_events": ok}, "url", "unspecified"},
		{map[string]any{"url": "http://[::1]/", "subscribed_events": ok}, "url", "IPv6 loopback"},
		{map[string]any{"url": public, "subscribed_events": []string{}}, "subscribed_events", "empty events"},
		{map[string]any{"url": public, "subscribed_events": []string{"session.created"}}, "subscribed_events", "unknown event"},
		{map[string]any{"url": public, "subscribed_events": "status.updated"}, "subscribed_events", "events not a list"},
		{map[string]any{"url": public, "subscribed_events": ok, "label": strings.Repeat("x", 201)}, "label", "long label"},
		{map[string]any{"url": public, "subscribed_events": ok, "enabled": "yes"}, "enabled", "enabled not a boolean"},
	} {
		expectField(t, w.do("POST", destinations, w.y.key, tc.body), tc.field, tc.what)
	}
	// Every invalid field is reported at once.
	r := w.do("POST", destinations, w.y.key, map[string]any{"url": "ftp://x", "subscribed_events": []string{}})
	expectField(t, r, "url", "two errors")
	expectField(t, r, "subscribed_events", "two errors")

	// A host name that resolves to a private address is refused too.
	if host, err := os.Hostname(); err == nil && resolvesPrivate(host) {
		expectField(t, w.do("POST", destinations, w.y.key, map[string]any{"url": "http://" + host + "/hook",
			"subscribed_events": ok}), "url", "a name resolving to a private address")
	} else {
		t.Logf("skipped the resolution case: this machine's name %q does not resolve to a private address", host)
	}
	if _, list := w.doList(destinations, w.y.key); len(list) != 0 {
		t.Fatalf("invalid requests created %v", list)
	}
}

func resolvesPrivate(host string) bool {
	addrs, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if domain.PublicAddr(a) {
			return false
		}
	}
	_, err = netip.ParseAddr(host)
	return err != nil // a name, not an address
}

func TestDestinationPrivileges(t *testing.T) {
	w := newWorld(t)
	body := map[string]any{"url": public, "subscribed_events": []string{"status.updated"}}
	readHooks := w.key(w.y, domain.PrivReadWebhooks)
	writeHooks := w.key(w.y, domain.PrivWriteWebhooks)
	readSessions := w.key(w.y, domain.PrivReadSessions)

	expectDetail(t, w.do("POST", destinations, "", body), 401, "no key")
	expectDetail(t, w.do("POST", destinations, "hk_nope", body), 401, "unknown key")
	expectDetail(t, w.do("POST", destinations, readHooks, body), 403, "read:webhooks only")
	expectDetail(t, w.do("POST", destinations, readSessions, body), 403, "read:sessions only")
	r := w.do("POST", destinations, writeHooks, body)
	expect(t, r, 201, "write:webhooks")
	id := r.str("uuid")
	if status, _ := w.doList(destinations, readHooks); status != 200 {
		t.Fatalf("read:webhooks lists: %d", status)
	}
	if status, _ := w.doList(destinations, readSessions); status != 200 {
		t.Fatalf("read:sessions lists: %d", status)
	}
	if status, _ := w.doList(destinations, writeHooks); status != 403 {
		t.Fatalf("write:webhooks alone lists: %d", status)
	}
	expectDetail(t, w.do("PATCH", destinations+id+"/", readHooks, map[string]any{"label": "x"}), 403, "patch with read:webhooks")
	expectDetail(t, w.do("DELETE", destinations+id+"/", readSessions, nil), 403, "delete with read:sessions")
	// The default key (write:sessions, read:sessions) manages destinations.
	expect(t, w.do("PATCH", destinations+id+"/", w.y.key, map[string]any{"label": "x"}), 200, "patch with the default key")
}

// A partner registers a destination over the API, approves a session over
// the API, and receives the signed event.
func TestWebhookEndToEnd(t *testing.T) {
	w := newWorld(t)
	w.svc.SetPrivateWebhooks(true) // the receiver is on loopback
	var mu sync.Mutex
	var bodies [][]byte
	var headers []http.Header
	rc := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, headers = append(bodies, b), append(headers, r.Header.Clone())
		mu.Unlock()
	}))
	defer rc.Close()
	w.deliver()

	r := w.do("POST", destinations, w.y.key, map[string]any{"url": rc.URL + "/didit", "subscribed_events": []string{"status.updated"}})
	expect(t, r, 201, "create")
	secret := r.str("secret_shared_key")
	sess := w.session(w.y, domain.KindUser, domain.PhaseInReview)
	expect(t, w.do("PATCH", "/v3/session/"+sess.ID.String()+"/update-status/", w.y.key, map[string]any{"new_status": "Approved"}), 200, "approve")

	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(bodies)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no webhook within 5 s of the decision")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if err := webhookverify.Verify(secret, headers[0], bodies[0], time.Now()); err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	json.Unmarshal(bodies[0], &ev)
	if ev["session_id"] != sess.ID.String() || ev["status"] != "Approved" || ev["webhook_type"] != "status.updated" {
		t.Fatalf("event %s", bodies[0])
	}
}
