package domain

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

var (
	testKey  = SigningKey{ID: "k1", Secret: []byte("0123456789abcdef0123456789abcdef")}
	otherKey = SigningKey{ID: "k2", Secret: []byte("fedcba9876543210fedcba9876543210")}
	t0       = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
)

func lookup(kid string) ([]byte, error) {
	switch kid {
	case testKey.ID:
		return testKey.Secret, nil
	case otherKey.ID:
		return otherKey.Secret, nil
	}
	return nil, errors.New("unknown kid")
}

func validClaims() ShareClaims {
	return ShareClaims{SessionID: uuid.New(), SessionKind: KindBusiness, FromApplicationID: uuid.New(), ForApplicationID: uuid.New(),
		RegisteredClaims: jwt.RegisteredClaims{ID: uuid.NewString(), IssuedAt: jwt.NewNumericDate(t0),
			ExpiresAt: jwt.NewNumericDate(t0.Add(time.Hour))}}
}

func sign(t *testing.T, c jwt.Claims, method jwt.SigningMethod, key any, kid string) string {
	t.Helper()
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

func TestShareTokenRoundTrip(t *testing.T) {
	c := validClaims()
	raw, err := SignShareToken(c, testKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseShareToken(raw, lookup, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.SessionID != c.SessionID || got.SessionKind != KindBusiness || got.FromApplicationID != c.FromApplicationID ||
		got.ForApplicationID != c.ForApplicationID || got.ID != c.ID {
		t.Errorf("claims changed: %+v", got)
	}
	// Ids only: no personal data can travel in the token.
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[1])
	for _, field := range []string{"session_id", "session_kind", "from_application_id", "for_application_id", "iat", "exp", "jti"} {
		if !strings.Contains(string(payload), `"`+field+`"`) {
			t.Errorf("payload lacks %s: %s", field, payload)
		}
	}
}

// A token without session_kind (minted before kinds were embedded) is
// read with no kind; its stored record supplies it.
func TestShareTokenWithoutKindTakesTheRecords(t *testing.T) {
	c := validClaims()
	c.SessionKind = ""
	raw, _ := SignShareToken(c, testKey)
	got, err := ParseShareToken(raw, lookup, t0)
	if err != nil || got.SessionKind != "" {
		t.Fatalf("got %v, %v; want no kind yet", got, err)
	}
	rec := TokenRecord{SessionID: c.SessionID, SessionKind: KindBusiness, ForApplicationID: c.ForApplicationID, ExpiresAt: t0.Add(time.Hour)}
	if err := got.CheckRecord(rec, t0); err != nil || got.SessionKind != KindBusiness {
		t.Fatalf("kind %q, %v; want the record's business", got.SessionKind, err)
	}
}

// iat may be at most a minute ahead of this host's clock; exp and iat are
// JSON numbers, never strings the JWT library would also accept.
func TestShareTokenDates(t *testing.T) {
	c := validClaims()
	raw, _ := SignShareToken(c, testKey)
	if _, err := ParseShareToken(raw, lookup, t0.Add(-MaxIssuedAtSkew)); err != nil {
		t.Fatalf("iat a minute ahead is skew, not an attack: %v", err)
	}
	if _, err := ParseShareToken(raw, lookup, t0.Add(-MaxIssuedAtSkew-time.Second)); !IsCode(err, CodeUnauthorized) ||
		!strings.Contains(err.Error(), "future") {
		t.Fatalf("iat 61 s ahead: %v, want unauthorized naming the future", err)
	}
	base := jwt.MapClaims{"session_id": c.SessionID.String(), "session_kind": "user", "jti": c.ID,
		"from_application_id": c.FromApplicationID.String(), "for_application_id": c.ForApplicationID.String(),
		"iat": t0.Unix(), "exp": t0.Add(time.Hour).Unix()}
	with := func(k string, v any) jwt.MapClaims {
		m := jwt.MapClaims{}
		for kk, vv := range base {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	if _, err := ParseShareToken(sign(t, base, jwt.SigningMethodHS256, testKey.Secret, "k1"), lookup, t0); err != nil {
		t.Fatalf("numbers: %v", err)
	}
	for name, m := range map[string]jwt.MapClaims{
		"exp string": with("exp", strconv.FormatInt(t0.Add(time.Hour).Unix(), 10)),
		"iat string": with("iat", strconv.FormatInt(t0.Unix(), 10)),
		"iat bool":   with("iat", true),
		"iat absent": with("iat", nil),
	} {
		_, err := ParseShareToken(sign(t, m, jwt.SigningMethodHS256, testKey.Secret, "k1"), lookup, t0)
		if !IsCode(err, CodeUnauthorized) {
			t.Errorf("%s: %v, want unauthorized", name, err)
		}
	}
}

// The stored record wins over whatever a validly signed token claims.
func TestCheckRecord(t *testing.T) {
	c := validClaims()
	good := TokenRecord{SessionID: c.SessionID, SessionKind: c.SessionKind, ForApplicationID: c.ForApplicationID,
		ExpiresAt: t0.Add(time.Hour)}
	revoked := t0
	cases := map[string]struct {
		mutate func(*TokenRecord)
		want   string
	}{
		"matches":         {func(*TokenRecord) {}, ""},
		"other partner":   {func(r *TokenRecord) { r.ForApplicationID = uuid.New() }, "does not match"},
		"other session":   {func(r *TokenRecord) { r.SessionID = uuid.New() }, "does not match"},
		"other kind":      {func(r *TokenRecord) { r.SessionKind = KindUser }, "session_kind"},
		"stored expiry":   {func(r *TokenRecord) { r.ExpiresAt = t0 }, "expired"},
		"revoked":         {func(r *TokenRecord) { r.RevokedAt = &revoked }, "This share token was revoked."},
		"revoked expired": {func(r *TokenRecord) { r.RevokedAt, r.ExpiresAt = &revoked, t0 }, "revoked"},
	}
	for name, tc := range cases {
		rec, claims := good, c
		tc.mutate(&rec)
		err := claims.CheckRecord(rec, t0)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.want != "" && (!IsCode(err, CodeUnauthorized) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want unauthorized %q", name, err, tc.want)
		}
	}
}

func TestShareTokenAttacks(t *testing.T) {
	c := validClaims()
	good, _ := SignShareToken(c, testKey)
	parts := strings.Split(good, ".")

	noExp := validClaims()
	noExp.ExpiresAt = nil
	tampered := validClaims()
	tamperedPayload, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, tampered).SigningString()

	attacks := map[string]string{
		"alg none":           sign(t, c, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k1"),
		"other key same kid": sign(t, c, jwt.SigningMethodHS256, otherKey.Secret, "k1"),
		"HS512":              sign(t, c, jwt.SigningMethodHS512, testKey.Secret, "k1"),
		"unknown kid":        sign(t, c, jwt.SigningMethodHS256, testKey.Secret, "k9"),
		"no kid":             sign(t, c, jwt.SigningMethodHS256, testKey.Secret, ""),
		"exp missing":        sign(t, noExp, jwt.SigningMethodHS256, testKey.Secret, "k1"),
		"tampered claims":    strings.Split(tamperedPayload, ".")[0] + "." + strings.Split(tamperedPayload, ".")[1] + "." + parts[2],
		"garbage base64":     "eyJ!!!.@@@.###",
		"two parts":          parts[0] + "." + parts[1],
		"empty signature":    parts[0] + "." + parts[1] + ".",
		"oversized":          good + strings.Repeat("A", MaxTokenBytes),
		"not a jwt":          "hello",
	}
	for name, raw := range attacks {
		_, err := ParseShareToken(raw, lookup, t0)
		if !IsCode(err, CodeUnauthorized) {
			t.Errorf("%s: err = %v, want unauthorized", name, err)
		}
	}
	if _, err := ParseShareToken(good, lookup, t0.Add(2*time.Hour)); !IsCode(err, CodeUnauthorized) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired token: err = %v", err)
	}
}

func FuzzParseShareToken(f *testing.F) {
	c := validClaims()
	good, _ := SignShareToken(c, testKey)
	for _, s := range []string{good, "", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", good[:len(good)-3]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		claims, err := ParseShareToken(raw, lookup, t0)
		if err == nil && (claims == nil || claims.SessionID == uuid.Nil) {
			t.Fatalf("accepted %q without ids", raw)
		}
		if err != nil && ErrorCode(err) == "" {
			t.Fatalf("unclassified error %v", err)
		}
	})
}
