package review

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/vault"
)

// MediaLinkLifetime is how long a media link of the decision response
// (GET /v3/media/{token}) works.
const MediaLinkLifetime = 15 * time.Minute

// A media token names one file of one session of one application and its
// expiry, authenticated with the application's media signing key (derived
// from its matching key, sealed at rest under the master key like every
// data key): version 1 | application | session | expiry (unix seconds) |
// name length | name | HMAC-SHA256 tag, in unpadded URL-safe base64.
const mediaTokenVersion = 1

func mediaSigner(k *appKeys) vault.Signer { return vault.NewSigner(k.match, "handoff media link v1") }

// MediaLinker returns a function that mints the caller's links to the
// media of its session, each valid for MediaLinkLifetime from now.
func (s *Service) MediaLinker(ctx context.Context, caller domain.Caller) (func(session uuid.UUID, name string) string, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return nil, err
	}
	k, err := s.data.forApp(ctx, caller.ApplicationID)
	if err != nil {
		return nil, err
	}
	sign, app, exp := mediaSigner(k), caller.ApplicationID, s.now().Add(MediaLinkLifetime)
	return func(session uuid.UUID, name string) string { return mintMediaToken(sign, app, session, name, exp) }, nil
}

// MintMediaToken is a token for app's media as MediaLinker makes them,
// expiring at exp: for tests of expired and other applications' links.
func (s *Service) MintMediaToken(ctx context.Context, app, session uuid.UUID, name string, exp time.Time) (string, error) {
	k, err := s.data.forApp(ctx, app)
	if err != nil {
		return "", err
	}
	return mintMediaToken(mediaSigner(k), app, session, name, exp), nil
}

func mintMediaToken(sign vault.Signer, app, session uuid.UUID, name string, exp time.Time) string {
	msg := make([]byte, 0, 1+16+16+8+1+len(name)+32)
	msg = append(msg, mediaTokenVersion)
	msg = append(msg, app[:]...)
	msg = append(msg, session[:]...)
	msg = binary.BigEndian.AppendUint64(msg, uint64(exp.Unix()))
	msg = append(msg, byte(len(name)))
	msg = append(msg, name...)
	return base64.RawURLEncoding.EncodeToString(append(msg, sign.Sign(msg)...))
}

// mediaClaims are what a token says, before its tag is checked.
type mediaClaims struct {
	app, session uuid.UUID
	exp          time.Time
	name         string
	msg, tag     []byte
}

func parseMediaToken(token string) (mediaClaims, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	const fixed = 1 + 16 + 16 + 8 + 1
	if err != nil || len(raw) < fixed+32 || raw[0] != mediaTokenVersion {
		return mediaClaims{}, false
	}
	n := int(raw[fixed-1])
	if len(raw) != fixed+n+32 {
		return mediaClaims{}, false
	}
	c := mediaClaims{msg: raw[:fixed+n], tag: raw[fixed+n:], name: string(raw[fixed : fixed+n]),
		exp: time.Unix(int64(binary.BigEndian.Uint64(raw[33:41])), 0)}
	copy(c.app[:], raw[1:17])
	copy(c.session[:], raw[17:33])
	return c, true
}

// Media serves a media link (GET /v3/media/{token}) to the caller: a link
// altered or past its expiry is refused (forbidden); another
// application's link, or one to a session erased since or to a file the
// session lacks, is not found.
func (s *Service) Media(ctx context.Context, caller domain.Caller, token string) (domain.Media, error) {
	if err := caller.Require(domain.PrivReadSessions); err != nil {
		return domain.Media{}, err
	}
	c, ok := parseMediaToken(token)
	if !ok {
		return domain.Media{}, domain.Forbiddenf("This media link is not valid.")
	}
	if c.app != caller.ApplicationID {
		return domain.Media{}, domain.NotFoundf("Media not found.")
	}
	k, err := s.data.forApp(ctx, caller.ApplicationID)
	if err != nil {
		return domain.Media{}, err
	}
	if !mediaSigner(k).Verify(c.msg, c.tag) {
		return domain.Media{}, domain.Forbiddenf("This media link is not valid.")
	}
	if !s.now().Before(c.exp) {
		return domain.Media{}, domain.Forbiddenf("This media link has expired: read the decision again for a fresh one.")
	}
	media, err := s.Evidence(ctx, caller, c.session, c.name) // opened from its seal; an erased session is not found
	if err != nil {
		return domain.Media{}, err
	}
	for _, m := range media {
		if m.Name == c.name {
			return m, nil
		}
	}
	return domain.Media{}, domain.NotFoundf("Media not found.")
}
