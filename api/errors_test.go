package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// Every row of the seed's error table.
func TestImportErrorTable(t *testing.T) {
	w := newWorld(t)
	z := w.newApp("Service Z", "wf_z_kyc", "wf_z_kyb")
	body := func(tok, wf string) map[string]any {
		return map[string]any{"share_token": tok, "workflow_id": wf, "vendor_data": "u-1", "trust_review": true}
	}
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)

	t.Run("401 invalid token", func(t *testing.T) {
		expectDetail(t, w.importAs(w.y, body("eyJhbGciOi.garbage.x", "wf_partner_kyc")), 401, "garbage")
	})
	t.Run("401 past exp", func(t *testing.T) {
		r := w.share(w.x, src.ID, map[string]any{"for_application_id": w.y.id, "ttl_in_seconds": 60})
		expect(t, r, 201, "mint")
		w.skew.Store(61)
		defer w.skew.Store(0)
		res := w.importAs(w.y, body(r.str("share_token"), "wf_partner_kyc"))
		expectDetail(t, res, 401, "expired")
		if !strings.Contains(res.str("detail"), "expired") {
			t.Fatalf("detail %q does not say expired", res.str("detail"))
		}
	})
	t.Run("403 token for another application", func(t *testing.T) {
		tok := w.mint(w.x, src.ID, z.id)
		expectDetail(t, w.importAs(w.y, body(tok, "wf_partner_kyc")), 403, "wrong receiver")
		expect(t, w.importAs(z, body(tok, "wf_z_kyc")), 201, "right receiver")
	})
	t.Run("403 already imported", func(t *testing.T) {
		tok := w.mint(w.x, src.ID, w.y.id)
		expect(t, w.importAs(w.y, body(tok, "wf_partner_kyc")), 201, "first import")
		expectDetail(t, w.importAs(w.y, body(tok, "wf_partner_kyc")), 403, "second import")
	})
	t.Run("404 source session deleted", func(t *testing.T) {
		gone := w.session(w.x, domain.KindUser, domain.PhaseDeclined)
		tok := w.mint(w.x, gone.ID, w.y.id)
		expect(t, w.do("DELETE", "/v3/session/"+gone.ID.String()+"/delete/", w.x.key, nil), 204, "delete")
		expectDetail(t, w.importAs(w.y, body(tok, "wf_partner_kyc")), 404, "gone")
		expectDetail(t, w.do("GET", "/v3/session/"+gone.ID.String()+"/decision/", w.x.key, nil), 404, "deleted decision")
		expectDetail(t, w.do("DELETE", "/v3/session/"+gone.ID.String()+"/delete/", w.x.key, nil), 404, "delete twice")
	})
	t.Run("404 workflow not in this application", func(t *testing.T) {
		tok := w.mint(w.x, src.ID, w.y.id)
		expectDetail(t, w.importAs(w.y, body(tok, "wf_x_kyc")), 404, "another app's workflow")
		expectDetail(t, w.importAs(w.y, body(tok, "wf_partner_kyb")), 404, "KYB workflow for a KYC token")
		// A failed import leaves nothing behind: the token still imports.
		expect(t, w.importAs(w.y, body(tok, "wf_partner_kyc")), 201, "after failures")
	})
	t.Run("400 bad bodies", func(t *testing.T) {
		tok := w.mint(w.x, src.ID, w.y.id)
		expectField(t, w.importAs(w.y, map[string]any{"workflow_id": "wf_partner_kyc"}), "share_token", "no token")
		expectField(t, w.importAs(w.y, map[string]any{"share_token": tok}), "workflow_id", "no workflow")
		expectField(t, w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyc", "trust_review": "yes"}), "trust_review", "string bool")
		expectField(t, w.importAs(w.y, map[string]any{"share_token": 42, "workflow_id": "wf_partner_kyc"}), "share_token", "number token")
		expectDetail(t, w.importAs(w.y, `{"share_token": `), 400, "malformed JSON")
		expectDetail(t, w.importAs(w.y, `[1,2]`), 400, "array body")
		expect(t, w.importAs(w.y, body(tok, "wf_partner_kyc")), 201, "the token is still good")
	})
	var sessions int
	w.db.Get(&sessions, `SELECT count(*) FROM sessions WHERE application_id = $1`, w.y.id)
	if sessions != 3 {
		t.Fatalf("Y holds %d sessions, want the 3 successful imports", sessions)
	}
}

func TestShareErrors(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseInReview)
	valid := func(extra map[string]any) map[string]any {
		b := map[string]any{"for_application_id": w.y.id, "ttl_in_seconds": 3600}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"ttl too short", valid(map[string]any{"ttl_in_seconds": 59}), "ttl_in_seconds"},
		{"ttl too long", valid(map[string]any{"ttl_in_seconds": 86401}), "ttl_in_seconds"},
		{"ttl not a number", valid(map[string]any{"ttl_in_seconds": "3600"}), "ttl_in_seconds"},
		{"ttl fractional", valid(map[string]any{"ttl_in_seconds": 60.5}), "ttl_in_seconds"},
		{"no partner", map[string]any{"ttl_in_seconds": 3600}, "for_application_id"},
		{"partner not a uuid", valid(map[string]any{"for_application_id": "partner-app-uuid"}), "for_application_id"},
		{"unknown partner", valid(map[string]any{"for_application_id": uuid.New()}), "for_application_id"},
		{"own application", valid(map[string]any{"for_application_id": w.x.id}), "for_application_id"},
	} {
		expectField(t, w.share(w.x, src.ID, tc.body), tc.field, tc.name)
	}
	deleted := w.newApp("Gone Ltd", "wf_g", "wf_g2")
	if err := w.svc.DeleteApplication(context.Background(), review.Operator("test"), deleted.id); err != nil {
		t.Fatal(err)
	}
	expectField(t, w.share(w.x, src.ID, valid(map[string]any{"for_application_id": deleted.id})), "for_application_id", "deleted partner")

	unfinished := w.session(w.x, domain.KindBusiness, domain.PhaseInProgress)
	r := w.share(w.x, unfinished.ID, valid(nil))
	expectDetail(t, r, 400, "not finished")
	if !strings.Contains(r.str("detail"), "Only finished sessions can be shared") {
		t.Fatalf("detail %q", r.str("detail"))
	}

	// Default TTL is one hour.
	r = w.share(w.x, src.ID, map[string]any{"for_application_id": w.y.id})
	expect(t, r, 201, "default ttl")
	claims := jwt.MapClaims{}
	jwt.NewParser().ParseUnverified(r.str("share_token"), claims)
	if exp, iat := claims["exp"].(float64), claims["iat"].(float64); exp-iat != 3600 {
		t.Fatalf("default lifetime %v s", exp-iat)
	}
	var minted int
	w.db.Get(&minted, `SELECT count(*) FROM share_tokens WHERE application_id = $1`, w.x.id)
	if minted != 1 {
		t.Fatalf("%d tokens recorded after one successful mint", minted)
	}
}

func TestPrivilegesAndIsolation(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	sid := src.ID.String()
	readOnly := w.key(w.x, domain.PrivReadSessions)
	writeOnly := w.key(w.x, domain.PrivWriteSessions)

	expectDetail(t, w.do("GET", "/v3/session/"+sid+"/decision/", "", nil), 401, "no key")
	expectDetail(t, w.do("GET", "/v3/session/"+sid+"/decision/", "hk_not-a-key", nil), 401, "unknown key")
	expectDetail(t, w.do("POST", "/v3/session/"+sid+"/share/", readOnly, map[string]any{"for_application_id": w.y.id}), 403, "read-only share")
	expectDetail(t, w.do("DELETE", "/v3/session/"+sid+"/delete/", readOnly, nil), 403, "read-only delete")
	expectDetail(t, w.do("GET", "/v3/session/"+sid+"/decision/", writeOnly, nil), 403, "write-only read")
	expect(t, w.do("GET", "/v3/session/"+sid+"/decision/", readOnly, nil), 200, "read-only read")

	// Y can neither read, share, decide nor delete X's session.
	expectDetail(t, w.do("GET", "/v3/session/"+sid+"/decision/", w.y.key, nil), 404, "cross read")
	expectDetail(t, w.share(w.y, src.ID, map[string]any{"for_application_id": w.x.id}), 404, "cross share")
	expectDetail(t, w.do("PATCH", "/v3/session/"+sid+"/update-status/", w.y.key, map[string]any{"new_status": "Declined"}), 404, "cross decide")
	expectDetail(t, w.do("DELETE", "/v3/session/"+sid+"/delete/", w.y.key, nil), 404, "cross delete")
	// Nor import a token X minted for X... which X cannot mint at all.
	expectField(t, w.share(w.x, src.ID, map[string]any{"for_application_id": w.x.id}), "for_application_id", "self share")

	// A revoked key stops working.
	k := w.key(w.x, domain.PrivReadSessions)
	var keyID uuid.UUID
	w.db.Get(&keyID, `SELECT key_id FROM api_keys WHERE application_id = $1 ORDER BY created_at DESC LIMIT 1`, w.x.id)
	if err := w.svc.RevokeAPIKey(context.Background(), review.Operator("test"), w.x.id, keyID); err != nil {
		t.Fatal(err)
	}
	expectDetail(t, w.do("GET", "/v3/session/"+sid+"/decision/", k, nil), 401, "revoked key")

	// Malformed ids, unknown routes and methods answer in JSON.
	expectDetail(t, w.do("GET", "/v3/session/not-a-uuid/decision/", w.x.key, nil), 404, "bad id")
	expectDetail(t, w.do("GET", "/v3/nothing/", w.x.key, nil), 404, "unknown route")
	expectDetail(t, w.do("GET", "/v3/session/import-shared/", w.x.key, nil), 405, "wrong method")
}

func TestLimits(t *testing.T) {
	w := newWorld(t)
	big := `{"share_token": "` + strings.Repeat("a", 1<<20) + `", "workflow_id": "wf_partner_kyc"}`
	expectDetail(t, w.importAs(w.y, big), 413, "over 1 MiB")
	r := w.do("POST", "/v3/session/import-shared/", "", big)
	expectDetail(t, r, 401, "auth before body")

	req, _ := http.NewRequest("POST", w.url+"/v3/session/import-shared/", strings.NewReader("share_token=x"))
	req.Header.Set("x-api-key", w.y.key)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("form body: %d, want 415", res.StatusCode)
	}
}

// 64 partners' retries racing with one token: one wins, the rest are told
// it was already imported, and one session exists.
func TestConcurrentImportsOfOneToken(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindBusiness, domain.PhaseApproved)
	tok := w.mint(w.x, src.ID, w.y.id)
	const n = 64
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i] = w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyb"}).status
		}(i)
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[403] != n-1 {
		t.Fatalf("statuses %v, want one 201 and %d 403", count, n-1)
	}
	var sessions int
	w.db.Get(&sessions, `SELECT count(*) FROM sessions WHERE application_id = $1`, w.y.id)
	if sessions != 1 {
		t.Fatalf("%d sessions in Y", sessions)
	}
}

// Forged, re-signed and broken tokens: 401 or 403, never a 500.
func TestJWTAttacksOverHTTP(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	good := w.mint(w.x, src.ID, w.y.id)
	parts := strings.Split(good, ".")
	claims := jwt.MapClaims{}
	hdr, _, _ := jwt.NewParser().ParseUnverified(good, claims)
	kid := hdr.Header["kid"].(string)

	resign := func(method jwt.SigningMethod, key any, mutate func(jwt.MapClaims), kid string) string {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		if mutate != nil {
			mutate(c)
		}
		tok := jwt.NewWithClaims(method, c)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	other := []byte("an attacker's secret of 32 bytes")
	attacks := map[string]string{
		"alg none":     resign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil, kid),
		"other secret": resign(jwt.SigningMethodHS256, other, nil, kid),
		"HS384":        resign(jwt.SigningMethodHS384, other, nil, kid),
		"unknown kid":  resign(jwt.SigningMethodHS256, other, nil, "nope"),
		"expired":      resign(jwt.SigningMethodHS256, other, func(c jwt.MapClaims) { c["exp"] = 1 }, kid),
		"no exp":       resign(jwt.SigningMethodHS256, other, func(c jwt.MapClaims) { delete(c, "exp") }, kid),
		"tampered receiver": parts[0] + "." + strings.Split(resign(jwt.SigningMethodHS256, other,
			func(c jwt.MapClaims) { c["for_application_id"] = w.y.id.String() }, kid), ".")[1] + "." + parts[2],
		"tampered session": parts[0] + "." + strings.Split(resign(jwt.SigningMethodHS256, other,
			func(c jwt.MapClaims) { c["session_id"] = uuid.NewString() }, kid), ".")[1] + "." + parts[2],
		"garbage base64":  "%%%.***.###",
		"truncated":       good[:len(good)-5],
		"no signature":    parts[0] + "." + parts[1],
		"huge":            good + strings.Repeat("x", 10000),
		"json header":     `{"alg":"HS256"}.{}.x`,
		"unicode garbage": "ey\u2028J.\u00e9.\U0001F600",
	}
	for name, tok := range attacks {
		r := w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyc"})
		if r.status != 401 && r.status != 403 {
			t.Errorf("%s: status %d %s", name, r.status, r.raw)
		}
	}
	expect(t, w.importAs(w.y, map[string]any{"share_token": good, "workflow_id": "wf_partner_kyc"}), 201, "the genuine token")
}
