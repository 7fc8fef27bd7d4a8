package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"handoff/webhookverify"
)

// runIn is run with a body on standard input.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestWebhookCommands(t *testing.T) {
	withDB(t)
	if code, _, errs := run(t, "app", "create", "--name", "Partner", "--workflow", "wf_kyc:user"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := run(t, "webhook", "add", "--app", "Partner", "--url", "https://93.184.215.14/hook", "--label", "prod", "--json")
	if code != 0 {
		t.Fatalf("add: %d %s", code, errs)
	}
	var added map[string]any
	if err := json.Unmarshal([]byte(out), &added); err != nil {
		t.Fatalf("add --json: %v %s", err, out)
	}
	id, _ := added["uuid"].(string)
	if secret, _ := added["secret_shared_key"].(string); len(secret) < 40 || id == "" {
		t.Fatalf("added %v", added)
	}
	if ev, _ := added["subscribed_events"].([]any); len(ev) != 1 || ev[0] != "status.updated" {
		t.Fatalf("default events %v", added["subscribed_events"])
	}

	code, out, _ = run(t, "webhook", "list", "--app", "Partner")
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "https://93.184.215.14/hook") ||
		strings.Contains(out, added["secret_shared_key"].(string)) {
		t.Fatalf("list: %d %s", code, out)
	}
	code, out, _ = run(t, "webhook", "rotate-secret", "--app", "Partner", id)
	if code != 0 || !strings.Contains(out, "X-Signature-V2-Previous") || strings.Contains(out, added["secret_shared_key"].(string)) {
		t.Fatalf("rotate: %d %s", code, out)
	}
	code, out, _ = run(t, "webhook", "list", "--app", "Partner")
	if code != 0 || strings.Count(out, "\n") != 2 || strings.HasSuffix(strings.TrimSpace(out), "-") {
		t.Fatalf("list after rotation shows no previous-secret window: %s", out)
	}
	if code, out, _ = run(t, "webhook", "deliveries", "--failed"); code != 0 || !strings.HasPrefix(out, "QUEUED") {
		t.Fatalf("deliveries: %d %s", code, out)
	}
	if code, out, _ = run(t, "webhook", "remove", "--app", "Partner", id); code != 0 || !strings.Contains(out, "removed") {
		t.Fatalf("remove: %d %s", code, out)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"webhook", "add", "--app", "Partner", "--url", "http://127.0.0.1:9/hook"}, "private"},
		{[]string{"webhook", "add", "--app", "Partner", "--url", "ftp://x.example/"}, "http:// or https://"},
		{[]string{"webhook", "add", "--app", "Partner", "--url", "https://93.184.215.14/", "--event", "nope"}, "not a known event"},
		{[]string{"webhook", "add", "--app", "Nobody", "--url", "https://93.184.215.14/"}, "no application named"},
		{[]string{"webhook", "remove", "--app", "Partner", id}, "Not found"},
		{[]string{"webhook", "remove", "--app", "Partner", "nope"}, "not a uuid"},
		{[]string{"webhook", "redeliver", "00000000-0000-0000-0000-000000000000"}, "no webhook event"},
	} {
		code, _, errs := run(t, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}

func TestWebhookVerifyCommand(t *testing.T) {
	secret := "tno2NTeRC1ZK3sBOYlBJDyEzBVENl3pQ1AcZyAW0xnQ"
	body := `{"session_id":"s-1","status":"Approved","webhook_type":"status.updated","vendor_data":"<José & 日本>","score":97.0}`
	v2, err := webhookverify.SignV2(secret, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	v1 := webhookverify.SignV1(secret, []byte(body))
	at := time.Now().Unix()
	now := strconv.FormatInt(at, 10)
	old := strconv.FormatInt(at-600, 10)
	simpleBody := `{"session_id":"s-1","status":"Approved","webhook_type":"status.updated","timestamp":` + now + `}`
	oldSimpleBody := strings.Replace(simpleBody, now, old, 1)
	simple := webhookverify.SignSimple(secret, at, "s-1", "Approved", "status.updated")
	sv1 := webhookverify.SignV1(secret, []byte(simpleBody))
	sv2, err := webhookverify.SignV2(secret, []byte(simpleBody))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		body string
		code int
		want string
	}{
		{[]string{"--secret", secret, "--timestamp", now, "--signature-v2", v2}, body, 0, "genuine"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature", v1}, body, 0, "genuine"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature-v2", v2, "--signature", v1}, body, 0, "genuine"},
		// Re-encoded by a middleware: V2 still verifies, the raw-body V1 does not.
		{[]string{"--secret", secret, "--timestamp", now, "--signature-v2", v2}, strings.ReplaceAll(body, ",", ", "), 0, "genuine"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature", v1}, strings.ReplaceAll(body, ",", ", "), 1, "X-Signature mismatch"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature-v2", v2}, strings.Replace(body, "Approved", "Declined", 1), 1, "signature mismatch"},
		{[]string{"--secret", "wrong", "--timestamp", now, "--signature-v2", v2}, body, 1, "signature mismatch"},
		{[]string{"--secret", secret, "--timestamp", old, "--signature-v2", v2}, body, 1, "seconds away from now"},
		{[]string{"--secret", secret, "--timestamp", "yesterday", "--signature-v2", v2}, body, 1, "not a unix time"},
		// Not JSON, signed over the raw bytes: genuine, as receivers say.
		{[]string{"--secret", secret, "--timestamp", now, "--signature", webhookverify.SignV1(secret, []byte("a=1"))}, "a=1", 0, "genuine"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature-v2", v2}, "a=1", 1, "body is not JSON"},
		// X-Signature-Simple alone vouches for its four fields only, and says so.
		{[]string{"--secret", secret, "--timestamp", now, "--signature-simple", simple}, simpleBody, 0, "genuine (X-Signature-Simple alone"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature-simple", simple}, strings.Replace(simpleBody, "Approved", "Declined", 1), 1, "X-Signature-Simple mismatch"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature-simple", simple}, oldSimpleBody, 1, "seconds away from now"},
		// Each signature given is reported on its own line.
		{[]string{"--secret", secret, "--timestamp", now, "--signature-v2", sv2, "--signature", sv1, "--signature-simple", simple}, simpleBody, 0,
			"X-Signature-V2      verified\nX-Signature         verified\nX-Signature-Simple  verified\ngenuine\n"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature-v2", sv2, "--signature-simple", simple}, strings.ReplaceAll(simpleBody, ",", ", "), 0,
			"X-Signature-V2      verified\nX-Signature-Simple  verified\ngenuine\n"},
		{[]string{"--secret", secret, "--timestamp", now, "--signature", sv1, "--signature-simple", simple}, strings.ReplaceAll(simpleBody, ",", ", "), 1,
			"X-Signature         not verified"},
		{[]string{"--secret", secret, "--timestamp", now}, body, 2, "--signature-v2"},
		{[]string{"--timestamp", now, "--signature-v2", v2}, body, 2, "--secret"},
	} {
		code, out, errs := runIn(t, tc.body, append([]string{"webhook", "verify"}, tc.args...)...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("verify %v: exit %d, %q %q; want %d and %q", tc.args, code, out, errs, tc.code, tc.want)
		}
		if code == 2 {
			continue // refused before checking anything
		}
		// The command and a receiver running webhookverify agree.
		flag := map[string]string{}
		for i := 0; i+1 < len(tc.args); i += 2 {
			flag[tc.args[i]] = tc.args[i+1]
		}
		h := http.Header{"X-Timestamp": {flag["--timestamp"]}}
		if v := flag["--signature-v2"]; v != "" {
			h.Set("X-Signature-V2", v)
		}
		if v := flag["--signature"]; v != "" {
			h.Set("X-Signature", v)
		}
		receiver := webhookverify.Verify(flag["--secret"], h, []byte(tc.body), time.Now())
		if v := flag["--signature-simple"]; v != "" && h.Get("X-Signature-V2")+h.Get("X-Signature") == "" {
			h.Set("X-Signature-Simple", v)
			receiver = webhookverify.VerifySimple(flag["--secret"], h, []byte(tc.body), time.Now())
		}
		if (receiver == nil) != (code == 0) {
			t.Errorf("verify %v: the command exits %d, a receiver says %v", tc.args, code, receiver)
		}
	}
}

// The real serve command delivers: a destination added from the command
// line receives the signed event of a decision made over the API.
func TestServeDeliversWebhooks(t *testing.T) {
	withDB(t)
	_, out, _ := run(t, "app", "create", "--name", "Partner", "--workflow", "wf_kyc:user", "--json")
	var created struct {
		APIKey string `json:"api_key"`
	}
	json.Unmarshal([]byte(out), &created)
	var sess []map[string]any
	code, out, errs := run(t, "session", "generate", "--app", "Partner", "--count", "1", "--kind", "user", "--status", "In Review", "--json")
	if code != 0 {
		t.Fatalf("generate: %d %s", code, errs)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		json.Unmarshal([]byte(line), &m)
		sess = append(sess, m)
	}

	var mu sync.Mutex
	var got []*http.Request
	var bodies []string
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, string(b))
		mu.Unlock()
	}))
	defer rc.Close()
	// Refused without the flag ...
	if code, _, errs := run(t, "webhook", "add", "--app", "Partner", "--url", rc.URL); code != 2 || !strings.Contains(errs, "private") {
		t.Fatalf("loopback destination accepted: %d %s", code, errs)
	}
	// ... but accepted by a serve started with --allow-private-webhooks.
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--http", "127.0.0.1:0", "--allow-private-webhooks"}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base := strings.TrimSpace(line[strings.Index(line, "http://"):])
	post := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("x-api-key", created.APIKey)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post("POST", "/v3/webhook/destinations/", `{"url":"`+rc.URL+`","subscribed_events":["status.updated"]}`); res.StatusCode != 201 {
		t.Fatalf("create destination through serve: %d", res.StatusCode)
	}
	if res := post("PATCH", "/v3/session/"+sess[0]["session_id"].(string)+"/update-status/", `{"new_status":"Approved"}`); res.StatusCode != 200 {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not deliver the webhook within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The receiver has the body; stopping serve before the sender has
	// recorded the 2xx would abandon the send (a lapsed lease, sent again
	// later), so wait until the record says delivered.
	for {
		code, out, _ = run(t, "webhook", "deliveries", "--app", "Partner")
		if code == 0 && strings.Contains(out, "delivered") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not record the delivery within 5 s: %d %s", code, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(bodies[0], `"status":"Approved"`) || got[0].Header.Get("X-Signature-V2") == "" {
		t.Fatalf("delivery %s %v", bodies[0], got[0].Header)
	}
	code, out, _ = run(t, "webhook", "deliveries", "--app", "Partner")
	if code != 0 || !strings.Contains(out, "delivered") {
		t.Fatalf("deliveries after serve: %d %s", code, out)
	}
}
