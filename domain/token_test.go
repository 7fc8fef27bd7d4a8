package domain

import (
	"encoding/base64"
	"errors"
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

func TestShareTokenWithoutKindIsUser(t *testing.T) {
	c := validClaims()
	c.SessionKind = ""
	raw, _ := SignShareToken(c, testKey)
	got, err := ParseShareToken(raw, lookup, t0)
	if err != nil || got.SessionKind != KindUser {
		t.Fatalf("got %v, %v; want kind user", got, err)
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
