package review

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/netip"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// Webhooks: destinations (the use cases behind /v3/webhook/destinations/
// and `handoff webhook`), the outbox events written inside the transactions
// of the changes they report, and the deliveries listing. Sending is in
// handoff/webhook.

// WithPrivateWebhooks lets destinations point at private, loopback and
// link-local addresses (local development and tests). Off by default, so
// the webhook sender cannot be used to reach internal services.
func WithPrivateWebhooks(allow bool) Option {
	return func(s *Service) { s.SetPrivateWebhooks(allow) }
}

// SetPrivateWebhooks is WithPrivateWebhooks for a Service already built
// (serve --allow-private-webhooks).
func (s *Service) SetPrivateWebhooks(allow bool) { s.privateWebhooks.Store(allow) }

func (s *Service) privateWebhooksAllowed() bool { return s.privateWebhooks.Load() }

// requireEither accepts a caller holding either privilege: destinations are
// managed with the webhook privileges, or with the session ones that every
// application's first key holds.
func requireEither(c domain.Caller, webhookPriv, sessionPriv domain.Privilege) error {
	if c.Can(webhookPriv) || c.Can(sessionPriv) {
		return nil
	}
	return domain.Forbiddenf("You do not have permission to perform this action: the API key lacks %s (or %s).",
		webhookPriv, sessionPriv)
}

// WebhookOperator is the caller for an operator managing app's webhooks
// from the command line.
func WebhookOperator(app uuid.UUID) domain.Caller {
	return domain.Caller{ApplicationID: app,
		Privileges: []domain.Privilege{domain.PrivWriteWebhooks, domain.PrivReadWebhooks}}
}

// newWebhookSecret is 32 random bytes, URL-safe base64 without padding.
func newWebhookSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// DestinationInput is a destination's editable fields; nil means "not
// given" (defaults on create, unchanged on update).
type DestinationInput struct {
	URL              *string
	Label            *string
	SubscribedEvents *[]string
	Enabled          *bool
	WebhookVersion   *string
}

// CreatedDestination is a new destination with its secret, shown once.
type CreatedDestination struct {
	Destination domain.Destination
	Secret      string
}

// apply validates in and writes it onto d, reporting every invalid field
// at once.
func (s *Service) apply(ctx context.Context, d *domain.Destination, in DestinationInput) error {
	var errURL, errEvents, errLabel error
	if in.URL != nil {
		errURL = s.checkTarget(ctx, *in.URL)
		d.URL = *in.URL
	}
	if in.SubscribedEvents != nil {
		d.SubscribedEvents, errEvents = domain.ValidateEvents(*in.SubscribedEvents)
	}
	if in.Label != nil {
		errLabel = domain.ValidateLabel(*in.Label)
		d.Label = *in.Label
	}
	if in.Enabled != nil {
		d.Enabled = *in.Enabled
	}
	var errVersion error
	if in.WebhookVersion != nil {
		errVersion = domain.ValidateWebhookVersion(*in.WebhookVersion)
		d.WebhookVersion = *in.WebhookVersion
	}
	return domain.MergeErrors(errURL, errEvents, errLabel, errVersion)
}

// checkTarget validates a destination URL and, unless private targets are
// allowed, resolves its host name and refuses it when any address is not
// public. A name that does not resolve now is accepted: the sender
// checks every address it connects to anyway, which is what stops DNS
// rebinding; this check only answers early.
func (s *Service) checkTarget(ctx context.Context, raw string) error {
	allow := s.privateWebhooksAllowed()
	u, err := domain.ParseDestinationURL(raw, allow)
	if err != nil || allow {
		return err
	}
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil {
		return nil // an IP literal, checked already
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if !domain.PublicAddr(a) {
			return domain.FieldError("url", "The URL's host %s resolves to %s, a private, loopback or link-local address; webhooks go to public hosts only.", host, a.Unmap())
		}
	}
	return nil
}

// CreateDestination adds a webhook destination to the caller's application
// with a new signing secret.
func (s *Service) CreateDestination(ctx context.Context, caller domain.Caller, in DestinationInput) (CreatedDestination, error) {
	if err := requireEither(caller, domain.PrivWriteWebhooks, domain.PrivWriteSessions); err != nil {
		return CreatedDestination{}, err
	}
	var missing []error
	if in.URL == nil {
		missing = append(missing, domain.FieldError("url", "This field is required."))
	}
	// As Didit: subscribed_events left out subscribes to nothing (such a
	// destination receives nothing); an explicit [] is refused by apply.
	now := s.now().UTC().Truncate(time.Microsecond)
	d := domain.Destination{ApplicationID: caller.ApplicationID, ID: uuid.New(), Enabled: true, CreatedAt: now, UpdatedAt: now,
		SubscribedEvents: []string{}, WebhookVersion: domain.DefaultWebhookVersion}
	if err := domain.MergeErrors(append(missing, s.apply(ctx, &d, in))...); err != nil {
		return CreatedDestination{}, err
	}
	secret, err := newWebhookSecret()
	if err != nil {
		return CreatedDestination{}, err
	}
	sealed, err := s.data.sealWebhookSecret(ctx, d.ApplicationID, d.ID, secret)
	if err != nil {
		return CreatedDestination{}, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := uniqueURL(ctx, tx, d); err != nil {
			return err
		}
		if err := store.InsertDestination(ctx, tx, d, sealed); err != nil {
			return err
		}
		return s.auditDestination(ctx, tx, caller, d, "created")
	})
	if err != nil {
		return CreatedDestination{}, err
	}
	return CreatedDestination{Destination: d, Secret: secret}, nil
}

func (s *Service) auditDestination(ctx context.Context, tx *store.Tx, caller domain.Caller, d domain.Destination, change string) error {
	return store.AppendAudit(ctx, tx, caller.ApplicationID, domain.AuditEvent{At: s.now(), Actor: caller.Actor(), RequestID: caller.RequestID,
		Action: domain.ActionWebhookChanged, Details: mustJSON(map[string]any{"change": change, "destination_id": d.ID,
			"url": d.URL, "label": d.Label, "subscribed_events": d.SubscribedEvents, "enabled": d.Enabled})})
}

// Destinations lists the caller's destinations, oldest first.
func (s *Service) Destinations(ctx context.Context, caller domain.Caller) ([]domain.Destination, error) {
	if err := requireEither(caller, domain.PrivReadWebhooks, domain.PrivReadSessions); err != nil {
		return nil, err
	}
	return store.ListDestinations(ctx, s.db, caller.ApplicationID)
}

// Destination returns one of the caller's destinations.
func (s *Service) Destination(ctx context.Context, caller domain.Caller, id uuid.UUID) (domain.Destination, error) {
	if err := requireEither(caller, domain.PrivReadWebhooks, domain.PrivReadSessions); err != nil {
		return domain.Destination{}, err
	}
	return store.GetDestination(ctx, s.db, caller.ApplicationID, id, false)
}

// UpdateDestination changes the given fields of one of the caller's
// destinations.
func (s *Service) UpdateDestination(ctx context.Context, caller domain.Caller, id uuid.UUID, in DestinationInput) (domain.Destination, error) {
	if err := requireEither(caller, domain.PrivWriteWebhooks, domain.PrivWriteSessions); err != nil {
		return domain.Destination{}, err
	}
	var d domain.Destination
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = store.GetDestination(ctx, tx, caller.ApplicationID, id, true); err != nil {
			return err
		}
		if err := s.apply(ctx, &d, in); err != nil {
			return err
		}
		if in.URL != nil {
			if err := uniqueURL(ctx, tx, d); err != nil {
				return err
			}
		}
		d.UpdatedAt = s.now().UTC().Truncate(time.Microsecond)
		if err := store.UpdateDestination(ctx, tx, d); err != nil {
			return err
		}
		return s.auditDestination(ctx, tx, caller, d, "updated")
	})
	return d, err
}

// DeleteDestination removes one of the caller's destinations; its pending
// deliveries are marked failed.
func (s *Service) DeleteDestination(ctx context.Context, caller domain.Caller, id uuid.UUID) error {
	if err := requireEither(caller, domain.PrivWriteWebhooks, domain.PrivWriteSessions); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		d, err := store.GetDestination(ctx, tx, caller.ApplicationID, id, true)
		if err != nil {
			return err
		}
		if err := store.DeleteDestination(ctx, tx, caller.ApplicationID, id, s.now()); err != nil {
			return err
		}
		if err := store.FailPendingDeliveries(ctx, tx, caller.ApplicationID, id, "destination deleted"); err != nil {
			return err
		}
		return s.auditDestination(ctx, tx, caller, d, "deleted")
	})
}

// RotateDestinationSecret gives a destination a new signing secret and
// returns it. For domain.SecretOverlap deliveries also carry signatures
// made with the old one (X-Signature-V2-Previous, X-Signature-Previous).
func (s *Service) RotateDestinationSecret(ctx context.Context, caller domain.Caller, id uuid.UUID) (string, error) {
	if err := requireEither(caller, domain.PrivWriteWebhooks, domain.PrivWriteSessions); err != nil {
		return "", err
	}
	secret, err := newWebhookSecret()
	if err != nil {
		return "", err
	}
	sealed, err := s.data.sealWebhookSecret(ctx, caller.ApplicationID, id, secret)
	if err != nil {
		return "", err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		d, err := store.GetDestination(ctx, tx, caller.ApplicationID, id, true)
		if err != nil {
			return err
		}
		now := s.now()
		if err := store.RotateDestinationSecret(ctx, tx, caller.ApplicationID, id, sealed, now, now.Add(domain.SecretOverlap)); err != nil {
			return err
		}
		return s.auditDestination(ctx, tx, caller, d, "secret_rotated")
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// statusEvent is the body of a status.updated webhook, in Didit's shape.
// encoding/json writes the fields in this order.
type statusEvent struct {
	EventID           uuid.UUID     `json:"event_id"`
	WebhookType       string        `json:"webhook_type"`
	SessionID         uuid.UUID     `json:"session_id"`
	SessionKind       domain.Kind   `json:"session_kind"`
	Status            domain.Status `json:"status"`
	VendorData        *string       `json:"vendor_data"`
	WorkflowID        string        `json:"workflow_id"`
	SharedFromSession *uuid.UUID    `json:"shared_from_session,omitempty"`
	// SessionVersion orders a session's events (handoff extension): its
	// change counter at this change, which only grows.
	SessionVersion int64 `json:"session_version"`
	// OccurredAt is when the change happened, to the microsecond
	// (handoff extension).
	OccurredAt string `json:"occurred_at"`
	// Timestamp is Didit's integer unix seconds; the sender sets it to the
	// time of each attempt, as X-Timestamp.
	Timestamp int64 `json:"timestamp"`
	CreatedAt int64 `json:"created_at"`
	// BusinessSessionID repeats session_id for KYB sessions, as Didit's
	// KYB payloads carry it.
	BusinessSessionID *uuid.UUID `json:"business_session_id,omitempty"`
	// Metadata is what the session was created with, when it was.
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// occurredAtLayout is RFC 3339 in UTC with exactly six fractional digits.
const occurredAtLayout = "2006-01-02T15:04:05.000000Z07:00"

// emitStatusUpdated writes a status.updated event for sess to the outbox,
// with a pending delivery per subscribed destination, inside the caller's
// transaction: it is sent if and only if that transaction commits.
func (s *Service) emitStatusUpdated(ctx context.Context, tx *store.Tx, sess domain.Session) error {
	return s.emitStatus(ctx, tx, sess)
}

func (s *Service) emitStatus(ctx context.Context, tx *store.Tx, sess domain.Session) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	ev := statusEvent{EventID: uuid.New(), WebhookType: domain.EventStatusUpdated, SessionID: sess.ID,
		SessionKind: sess.Kind, Status: sess.Status, WorkflowID: sess.WorkflowID,
		SharedFromSession: sess.SharedFromSession, SessionVersion: sess.Version,
		OccurredAt: now.Format(occurredAtLayout), Timestamp: now.Unix(), CreatedAt: sess.CreatedAt.Unix()}
	if sess.VendorData != "" {
		ev.VendorData = &sess.VendorData
	}
	if sess.Kind == domain.KindBusiness {
		ev.BusinessSessionID = &sess.ID
	}
	if sess.Details == nil {
		d, err := s.sessionDetailsIn(ctx, tx, sess.ApplicationID, sess.ID)
		if err != nil {
			return err
		}
		sess.Details = d
	}
	if sess.Details != nil && len(sess.Details.Metadata) > 0 {
		ev.Metadata = sess.Details.Metadata
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	sealed, err := s.data.sealWebhookEvent(ctx, sess.ApplicationID, ev.EventID, body)
	if err != nil {
		return err
	}
	_, err = store.InsertWebhookEvent(ctx, tx, store.WebhookEvent{ApplicationID: sess.ApplicationID, ID: ev.EventID,
		Type: ev.WebhookType, SessionID: &sess.ID, Sealed: sealed, CreatedAt: now})
	return err
}

// DeliveryInfo is one webhook delivery as operators and the TUI see it.
type DeliveryInfo struct {
	ApplicationID  uuid.UUID
	EventID        uuid.UUID
	DestinationID  uuid.UUID
	WebhookType    string
	SessionID      *uuid.UUID
	URL            string
	Label          string
	State          string // pending, delivered or failed
	Attempts       int
	QueuedAt       time.Time // when the event was queued, or redelivered
	NextAttemptAt  time.Time // meaningful while pending
	LastStatusCode int       // 0 when no response came
	LastError      string
	DeliveredAt    *time.Time
	EventAt        time.Time
}

// Deliveries lists the caller's webhook deliveries, most recently queued
// first; failedOnly keeps the ones that gave up.
func (s *Service) Deliveries(ctx context.Context, caller domain.Caller, failedOnly bool, limit int) ([]DeliveryInfo, error) {
	if err := requireEither(caller, domain.PrivReadWebhooks, domain.PrivReadSessions); err != nil {
		return nil, err
	}
	f := store.DeliveryFilter{Limit: limit}
	if failedOnly {
		f.State = store.DeliveryFailed
	}
	return s.deliveries(ctx, caller.ApplicationID, f)
}

func (s *Service) deliveries(ctx context.Context, app uuid.UUID, f store.DeliveryFilter) ([]DeliveryInfo, error) {
	rows, err := store.ListDeliveries(ctx, s.db, app, f)
	if err != nil {
		return nil, err
	}
	out := make([]DeliveryInfo, len(rows))
	for i, r := range rows {
		out[i] = DeliveryInfo{ApplicationID: r.ApplicationID, EventID: r.EventID, DestinationID: r.DestinationID,
			WebhookType: r.WebhookType, SessionID: r.SessionID, URL: r.URL, Label: r.Label, State: r.State,
			Attempts: r.Attempts, QueuedAt: r.QueuedAt, NextAttemptAt: r.NextAttemptAt, DeliveredAt: r.DeliveredAt,
			EventAt: r.EventAt}
		if r.LastStatus != nil {
			out[i].LastStatusCode = *r.LastStatus
		}
		if r.LastError != nil {
			out[i].LastError = *r.LastError
		}
	}
	return out, nil
}

// Redeliver queues an event of the caller's application again, to every
// destination it went to or only to destination, with a fresh retry
// window. It returns how many deliveries were queued.
func (s *Service) Redeliver(ctx context.Context, caller domain.Caller, event uuid.UUID, destination *uuid.UUID) (int, error) {
	if err := requireEither(caller, domain.PrivWriteWebhooks, domain.PrivWriteSessions); err != nil {
		return 0, err
	}
	var n int
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = store.Redeliver(ctx, tx, caller.ApplicationID, event, destination); err != nil {
			return err
		}
		if n == 0 {
			return domain.NotFoundf("No delivery of event %s to a live destination in this application.", event)
		}
		return nil
	})
	return n, err
}

// WebhookEventApplication finds the application a webhook event belongs to
// (operators redelivering by event id alone).
func (s *Service) WebhookEventApplication(ctx context.Context, caller domain.Caller, event uuid.UUID) (uuid.UUID, error) {
	if err := caller.RequireOperator(); err != nil {
		return uuid.Nil, err
	}
	return store.EventApplication(ctx, s.db, event)
}

// uniqueURL refuses a second live destination with d's URL in its
// application, as Didit does; the lock holds until the transaction ends.
func uniqueURL(ctx context.Context, tx *store.Tx, d domain.Destination) error {
	if err := store.LockDestinationURLs(ctx, tx, d.ApplicationID); err != nil {
		return err
	}
	taken, err := store.DestinationURLTaken(ctx, tx, d.ApplicationID, d.URL, d.ID)
	if err == nil && taken {
		err = domain.FieldError("url", "A webhook destination with this URL already exists in your application.")
	}
	return err
}

// DeliverySummaries sums up the deliveries of the caller's destinations.
func (s *Service) DeliverySummaries(ctx context.Context, caller domain.Caller, ids []uuid.UUID) (map[uuid.UUID]domain.DeliverySummary, error) {
	if requireEither(caller, domain.PrivReadWebhooks, domain.PrivReadSessions) != nil {
		if err := requireEither(caller, domain.PrivWriteWebhooks, domain.PrivWriteSessions); err != nil {
			return nil, err
		}
	}
	return store.DeliverySummaries(ctx, s.db, caller.ApplicationID, ids)
}
