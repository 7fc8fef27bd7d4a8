package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"handoff/domain"
	"handoff/review"
	"handoff/store"
	"handoff/vault"
)

// The token extensions as a partner back end uses them: list a session's
// tokens, revoke one, and see the import refused.
func TestTokenRevocationOverHTTP(t *testing.T) {
	w := newWorld(t)
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	base := "/v3/session/" + src.ID.String() + "/share/"
	revoked := w.mint(w.x, src.ID, w.y.id)
	imported := w.mint(w.x, src.ID, w.y.id)
	jti := func(tok string) string {
		c := jwt.MapClaims{}
		jwt.NewParser().ParseUnverified(tok, c)
		return c["jti"].(string)
	}

	list := w.do("GET", base, w.x.key, nil)
	expect(t, list, 200, "list")
	if n, _ := list.body["count"].(float64); n != 2 {
		t.Fatalf("count %v in %s", list.body["count"], list.raw)
	}
	for _, r := range list.body["results"].([]any) {
		if st := r.(map[string]any)["state"]; st != "active" {
			t.Fatalf("fresh token in state %v", st)
		}
	}

	expectDetail(t, w.do("POST", base+jti(revoked)+"/revoke/", w.y.key, nil), 404, "the partner revoking")
	expectDetail(t, w.do("GET", base, w.y.key, nil), 404, "the partner listing")
	expectDetail(t, w.do("POST", base+"not-a-uuid/revoke/", w.x.key, nil), 404, "malformed token id")
	readOnly := w.key(w.x, domain.PrivReadSessions)
	expectDetail(t, w.do("POST", base+jti(revoked)+"/revoke/", readOnly, nil), 403, "a read-only key")
	expect(t, w.do("GET", base, readOnly, nil), 200, "a read-only key lists")

	r := w.do("POST", base+jti(revoked)+"/revoke/", w.x.key, nil)
	expect(t, r, 200, "revoke")
	if r.str("state") != "revoked" || r.str("revoked_at") == "" || r.str("token_id") != jti(revoked) {
		t.Fatalf("revoke answered %s", r.raw)
	}
	expect(t, w.do("POST", base+jti(revoked)+"/revoke/", w.x.key, nil), 200, "revoke twice")

	res := w.importAs(w.y, map[string]any{"share_token": revoked, "workflow_id": "wf_partner_kyc"})
	expect(t, res, 401, "import a revoked token")
	if res.str("detail") != "This share token was revoked." {
		t.Fatalf("detail %q", res.str("detail"))
	}

	expect(t, w.importAs(w.y, map[string]any{"share_token": imported, "workflow_id": "wf_partner_kyc"}), 201, "import")
	expectDetail(t, w.do("POST", base+jti(imported)+"/revoke/", w.x.key, nil), 409, "revoke an imported token")

	states := map[string]string{}
	for _, r := range w.do("GET", base, w.x.key, nil).body["results"].([]any) {
		m := r.(map[string]any)
		states[m["token_id"].(string)] = m["state"].(string)
	}
	if states[jti(revoked)] != "revoked" || states[jti(imported)] != "imported" {
		t.Fatalf("states %v", states)
	}
}

// With the signing key in hand, an attacker re-signs a redeemed token for
// another partner, or with a string exp: both are refused with 401.
func TestResignedTokensAreRefusedOverHTTP(t *testing.T) {
	w := newWorld(t)
	z := w.newApp("Service Z", "wf_z_kyc", "wf_z_kyb")
	src := w.session(w.x, domain.KindUser, domain.PhaseApproved)
	tok := w.mint(w.x, src.ID, w.y.id)
	expect(t, w.importAs(w.y, map[string]any{"share_token": tok, "workflow_id": "wf_partner_kyc"}), 201, "import")
	keys, err := store.SigningKeys(context.Background(), w.db)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	jwt.NewParser().ParseUnverified(tok, claims)
	resign := func(mutate func(jwt.MapClaims)) string {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		mutate(c)
		j := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
		j.Header["kid"] = keys[0].ID
		s, _ := j.SignedString(signingSecret(t, keys[0]))
		return s
	}
	forZ := resign(func(c jwt.MapClaims) {
		c["for_application_id"] = z.id.String()
		c["exp"] = time.Now().Add(10 * 365 * 24 * time.Hour).Unix()
	})
	expectDetail(t, w.importAs(z, map[string]any{"share_token": forZ, "workflow_id": "wf_z_kyc"}), 401, "re-signed for Z")
	stringExp := resign(func(c jwt.MapClaims) { c["exp"] = "9999999999" })
	expectDetail(t, w.importAs(w.y, map[string]any{"share_token": stringExp, "workflow_id": "wf_partner_kyc"}), 401, "string exp")
}

// signingSecret unwraps a stored signing key with the master key, as a
// reader holding both the database and the key file could.
func signingSecret(t *testing.T, k store.StoredSigningKey) []byte {
	t.Helper()
	secret, err := review.ProcessKeys().Master.Unwrap(context.Background(), k.Wrapped, vault.AD("handoff signing key", []byte(k.ID)))
	if err != nil {
		t.Fatal(err)
	}
	return secret
}
