package domain

import (
	"errors"
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

// ParseShareToken verifies a share token strictly: HS256 only, a known kid,
// a valid signature, exp required and in the future, every id claim a uuid.
// Any failure is an unauthorized error that says why.
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
		// iat is not checked against this host's clock: several handoff
		// processes may mint and import, and a second of skew between
		// them must not refuse a fresh token. exp decides.
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	_, err := parser.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
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
	if claims.SessionKind == "" {
		claims.SessionKind = KindUser // tokens minted before kinds were embedded
	}
	if _, err := ParseKind(string(claims.SessionKind)); err != nil {
		return nil, Unauthorizedf("Share token is invalid: unknown session_kind.")
	}
	if _, err := claims.TokenID(); err != nil {
		return nil, Unauthorizedf("Share token is invalid: no token id.")
	}
	if claims.SessionID == uuid.Nil || claims.FromApplicationID == uuid.Nil || claims.ForApplicationID == uuid.Nil {
		return nil, Unauthorizedf("Share token is invalid: missing ids.")
	}
	return &claims, nil
}
