package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Share-token lifetimes, in seconds: one minute to one day, one hour unless
// asked otherwise.
const (
	MinTTL     = 60
	MaxTTL     = 86400
	DefaultTTL = 3600
)

// CheckShareable refuses to share a session that is not finished.
func CheckShareable(s Session) error {
	if !s.Status.Finished() {
		return Invalidf("Only finished sessions can be shared (this one is %s).", s.Status)
	}
	return nil
}

// TTLBounds says the bounds for people: "60..86400".
func TTLBounds() string { return fmt.Sprintf("%d..%d", MinTTL, MaxTTL) }

// ValidateTTL enforces the seed's bounds on ttl_in_seconds.
func ValidateTTL(seconds int) error {
	if seconds < MinTTL || seconds > MaxTTL {
		return FieldError("ttl_in_seconds", "must be between %d and %d", MinTTL, MaxTTL)
	}
	return nil
}

// MaxTokenBytes bounds a share token before it is parsed at all; a real one
// is about 450 bytes.
const MaxTokenBytes = 2048

// ShareClaims are the claims of a share token: ids only, never personal data.
type ShareClaims struct {
	SessionID         uuid.UUID `json:"session_id"`
	SessionKind       Kind      `json:"session_kind,omitempty"`
	FromApplicationID uuid.UUID `json:"from_application_id"`
	ForApplicationID  uuid.UUID `json:"for_application_id"`
	jwt.RegisteredClaims
}

// TokenID is the unique id of the token (its jti).
func (c *ShareClaims) TokenID() (uuid.UUID, error) { return uuid.Parse(c.ID) }

// SigningKey is one HMAC key share tokens are signed with, named by kid.
type SigningKey struct {
	ID     string
	Secret []byte
}

// SignShareToken mints the JWT for claims with key, naming the key in the
// kid header.
func SignShareToken(claims ShareClaims, key SigningKey) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = key.ID
	return t.SignedString(key.Secret)
}

// KeyLookup returns the secret of the signing key named kid.
type KeyLookup func(kid string) ([]byte, error)

// MaxIssuedAtSkew is how far in the future a token's iat may lie: clocks
// of the processes that mint and import may differ a little, not more.
const MaxIssuedAtSkew = 60 * time.Second

// ParseShareToken verifies a share token strictly: HS256 only, a known kid,
// a valid signature, exp and iat present as JSON numbers, exp in the future
// and iat not more than a minute ahead, every id claim a uuid. Any failure
// is an unauthorized error that says why. A token without session_kind
// comes back with an empty kind: the stored record decides it
// (CheckRecord).
func ParseShareToken(raw string, keys KeyLookup, now time.Time) (*ShareClaims, error) {
	if raw == "" {
		return nil, FieldError("share_token", "This field is required.")
	}
	if len(raw) > MaxTokenBytes {
		return nil, Unauthorizedf("Share token is invalid: longer than %d bytes.", MaxTokenBytes)
	}
	var claims ShareClaims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		// iat is checked below with a minute of leeway, not here: several
		// handoff processes may mint and import, and a second of skew
		// between them must not refuse a fresh token.
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	tok, err := parser.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("no kid header")
		}
		return keys(kid)
	})
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, Unauthorizedf("Share token has expired; request a new one.")
	case err != nil:
		return nil, Unauthorizedf("Share token is invalid.")
	}
	if err := numericDates(parser, tok.Raw); err != nil {
		return nil, err
	}
	if claims.IssuedAt.After(now.Add(MaxIssuedAtSkew)) {
		return nil, Unauthorizedf("Share token is invalid: issued in the future (iat).")
	}
	if claims.SessionKind != "" {
		if _, err := ParseKind(string(claims.SessionKind)); err != nil {
			return nil, Unauthorizedf("Share token is invalid: unknown session_kind.")
		}
	}
	if _, err := claims.TokenID(); err != nil {
		return nil, Unauthorizedf("Share token is invalid: no token id.")
	}
	if claims.SessionID == uuid.Nil || claims.FromApplicationID == uuid.Nil || claims.ForApplicationID == uuid.Nil {
		return nil, Unauthorizedf("Share token is invalid: missing ids.")
	}
	return &claims, nil
}

// numericDates insists that exp and iat are JSON numbers: the JWT library
// also reads a string such as "9999999999" as a date.
func numericDates(p *jwt.Parser, raw string) error {
	parts := strings.Split(raw, ".")
	payload, err := p.DecodeSegment(parts[1])
	if err != nil {
		return Unauthorizedf("Share token is invalid.")
	}
	var dates struct {
		Exp, Iat json.RawMessage
	}
	if json.Unmarshal(payload, &dates) != nil {
		return Unauthorizedf("Share token is invalid.")
	}
	for _, d := range []struct {
		name string
		v    json.RawMessage
	}{{"exp", dates.Exp}, {"iat", dates.Iat}} {
		if len(d.v) == 0 || d.v[0] != '-' && (d.v[0] < '0' || d.v[0] > '9') {
			return Unauthorizedf("Share token is invalid: %s must be a number of seconds.", d.name)
		}
	}
	return nil
}

// TokenRecord is what handoff stored when it minted a token: the token
// must agree with it, whatever its signature says, so that whoever holds
// a signing key still cannot redirect, prolong or revive a token.
type TokenRecord struct {
	SessionID        uuid.UUID
	SessionKind      Kind
	ForApplicationID uuid.UUID
	ExpiresAt        time.Time
	RevokedAt        *time.Time
}

// CheckRecord refuses a token that disagrees with its stored record, that
// expired by the record, or that was revoked; a token without
// session_kind takes the record's.
func (c *ShareClaims) CheckRecord(rec TokenRecord, now time.Time) error {
	switch {
	case rec.RevokedAt != nil:
		return Unauthorizedf("This share token was revoked.")
	case rec.SessionID != c.SessionID || rec.ForApplicationID != c.ForApplicationID:
		return Unauthorizedf("Share token is invalid: it does not match the token that was issued.")
	case c.SessionKind != "" && c.SessionKind != rec.SessionKind:
		return Unauthorizedf("Share token is invalid: its session_kind does not match the session.")
	case !now.Before(rec.ExpiresAt):
		return Unauthorizedf("Share token has expired; request a new one.")
	}
	c.SessionKind = rec.SessionKind
	return nil
}
