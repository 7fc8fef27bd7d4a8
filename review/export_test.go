package review

import (
	"github.com/google/uuid"

	"context"

	"handoff/domain"
	"handoff/store"
)

// EmitStatusUpdated lets the outbox test write an event inside a
// transaction of its own, to roll it back.
func (s *Service) EmitStatusUpdated(ctx context.Context, tx *store.Tx, sess domain.Session) error {
	return s.emitStatusUpdated(ctx, tx, sess)
}

// SigningSecrets returns the share-token signing keys in the clear, for
// tests that look for them where they must not be.
func SigningSecrets(ctx context.Context, s *Service) ([][]byte, error) {
	if _, err := s.keys.signing(ctx); err != nil {
		return nil, err
	}
	var out [][]byte
	for _, k := range s.keys.keys {
		out = append(out, k.Secret)
	}
	return out, nil
}

// WebhookSecret opens a destination's stored secret.
func WebhookSecret(ctx context.Context, s *Service, app, destination uuid.UUID) (string, error) {
	list, err := store.ListDestinationSecrets(ctx, s.db, app)
	if err != nil {
		return "", err
	}
	k, err := s.data.forApp(ctx, app)
	if err != nil {
		return "", err
	}
	for _, d := range list {
		if d.ID == destination {
			v, err := s.data.openWebhookSecret(ctx, k, d.ID, d.Sealed, d.Plain)
			if err != nil || v == nil {
				return "", err
			}
			return *v, nil
		}
	}
	return "", domain.NotFoundf("no destination %s", destination)
}

// WebhookBodies opens the outbox bodies of a session's webhook events,
// oldest first.
func WebhookBodies(ctx context.Context, s *Service, app, session uuid.UUID) ([]string, error) {
	var rows []struct {
		EventID uuid.UUID `db:"event_id"`
		Sealed  []byte    `db:"sealed_payload"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT event_id, sealed_payload FROM webhook_events
		WHERE application_id = $1 AND session_id = $2 ORDER BY created_at, event_id`, app, session); err != nil {
		return nil, err
	}
	k, err := s.data.forApp(ctx, app)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		body, err := s.data.open(ctx, k, purposeData, r.Sealed, webhookEventAD(app, r.EventID))
		if err != nil {
			return nil, err
		}
		out[i] = string(body)
	}
	return out, nil
}

// SetMintRace runs f between each mint's read and its write.
func SetMintRace(s *Service, f func(locked bool)) { s.mintRace = f }
