package review

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/vault"
)

func webhookSecretAD(app, destination uuid.UUID) []byte {
	return vault.AD("handoff webhook secret", app[:], destination[:])
}

// sealWebhookSecret seals a destination's signing secret with its
// application's data key: a database reader cannot sign deliveries.
func (d *dataKeys) sealWebhookSecret(ctx context.Context, app, destination uuid.UUID, secret string) ([]byte, error) {
	k, err := d.forApp(ctx, app)
	if err != nil {
		return nil, err
	}
	return vault.SealVersioned(k.data[k.current], k.current, []byte(secret), webhookSecretAD(app, destination)), nil
}

// openWebhookSecret opens a sealed secret with the keys k of its
// application, or returns a legacy plaintext. The caller holds k: a
// transaction that reseals must not wait for another connection to load
// them.
func (d *dataKeys) openWebhookSecret(ctx context.Context, k *appKeys, destination uuid.UUID, sealed []byte, plain *string) (*string, error) {
	if sealed == nil {
		return plain, nil
	}
	out, err := d.open(ctx, k, purposeData, sealed, webhookSecretAD(k.app, destination))
	if err != nil {
		return nil, fmt.Errorf("webhook destination %s: its secret: %w", destination, err)
	}
	s := string(out)
	return &s, nil
}

// OpenDeliverySecrets opens a leased delivery's sealed body, Secret and
// PreviousSecret: the webhook sender's webhook.Config.Secrets. Its
// decision object is DeliveryDecision's (webhook_decision.go).
func (s *Service) OpenDeliverySecrets(ctx context.Context, r *store.LeasedDelivery) error {
	return s.data.openDeliverySecrets(ctx, r)
}

func webhookEventAD(app, event uuid.UUID) []byte {
	return vault.AD("handoff webhook event", app[:], event[:])
}

// sealWebhookEvent seals a webhook body (it holds the session's checks).
func (d *dataKeys) sealWebhookEvent(ctx context.Context, app, event uuid.UUID, body []byte) ([]byte, error) {
	k, err := d.forApp(ctx, app)
	if err != nil {
		return nil, err
	}
	return vault.SealVersioned(k.data[k.current], k.current, body, webhookEventAD(app, event)), nil
}

func (d *dataKeys) openDeliverySecrets(ctx context.Context, r *store.LeasedDelivery) error {
	k, err := d.forApp(ctx, r.ApplicationID)
	if err != nil {
		return err
	}
	if r.SealedPayload != nil {
		body, err := d.open(ctx, k, purposeData, r.SealedPayload, webhookEventAD(r.ApplicationID, r.EventID))
		if err != nil {
			return fmt.Errorf("webhook event %s: %w", r.EventID, err)
		}
		r.Payload = string(body)
	}
	cur, err := d.openWebhookSecret(ctx, k, r.DestinationID, r.SealedSecret, r.PlainSecret)
	if err != nil {
		return err
	}
	if cur == nil {
		return fmt.Errorf("webhook destination %s has no secret", r.DestinationID)
	}
	r.Secret = *cur
	r.PreviousSecret, err = d.openWebhookSecret(ctx, k, r.DestinationID, r.SealedPreviousSecret, r.PlainPreviousSecret)
	return err
}

func detailsAD(app, session uuid.UUID) []byte {
	return vault.AD("handoff session details", app[:], session[:])
}

// sealDetails seals what POST /v3/session/ was sent (contact and expected
// details are personal data) with the application's data key.
func (k *appKeys) sealDetails(session uuid.UUID, d domain.SessionDetails) ([]byte, error) {
	plain, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return vault.SealVersioned(k.data[k.current], k.current, plain, detailsAD(k.app, session)), nil
}

// sessionDetails loads and opens a session's details; nil when it has none.
func (s *Service) sessionDetails(ctx context.Context, app, session uuid.UUID) (*domain.SessionDetails, error) {
	return s.sessionDetailsIn(ctx, s.db, app, session)
}

// sessionDetailsIn is sessionDetails inside a transaction.
func (s *Service) sessionDetailsIn(ctx context.Context, q store.Queryer, app, session uuid.UUID) (*domain.SessionDetails, error) {
	stored, err := store.SessionDetailsOf(ctx, q, app, session)
	if err != nil || stored == nil {
		return nil, err
	}
	if stored.Sealed == nil {
		return stored.Plain, nil
	}
	k, err := s.data.forApp(ctx, app)
	if err != nil {
		return nil, err
	}
	plain, err := s.data.open(ctx, k, purposeData, stored.Sealed, detailsAD(app, session))
	if err != nil {
		return nil, fmt.Errorf("session %s details: %w", session, err)
	}
	var d domain.SessionDetails
	if err := json.Unmarshal(plain, &d); err != nil {
		return nil, err
	}
	for _, raw := range []*json.RawMessage{&d.Metadata, &d.ContactDetails, &d.ExpectedDetails} {
		if string(*raw) == "null" { // absent when sent
			*raw = nil
		}
	}
	return &d, nil
}
