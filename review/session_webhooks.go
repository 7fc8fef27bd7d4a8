package review

import (
	"context"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// DeliveryID names one delivery (an event to one destination) with one
// uuid, as GET /v3/session/{id}/webhooks/ shows it.
func DeliveryID(event, destination uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(event, destination[:])
}

// AttemptInfo is one try at sending a delivery.
type AttemptInfo struct {
	No         int
	At         time.Time
	StatusCode int // 0 when no response came
	Duration   time.Duration
	Error      string
}

// SessionDelivery is a delivery of an event about a session, with its
// attempts.
type SessionDelivery struct {
	ID uuid.UUID
	DeliveryInfo
	History []AttemptInfo
}

// SessionWebhooks lists the deliveries of the events about one of the
// caller's sessions, oldest first.
func (s *Service) SessionWebhooks(ctx context.Context, caller domain.Caller, sessionID uuid.UUID) ([]SessionDelivery, error) {
	if err := requireEither(caller, domain.PrivReadWebhooks, domain.PrivReadSessions); err != nil {
		return nil, err
	}
	if _, err := store.GetSession(ctx, s.db, caller.ApplicationID, sessionID, false); err != nil {
		return nil, err
	}
	rows, err := store.SessionDeliveries(ctx, s.db, caller.ApplicationID, sessionID)
	if err != nil {
		return nil, err
	}
	out := make([]SessionDelivery, len(rows))
	for i, r := range rows {
		d := SessionDelivery{ID: DeliveryID(r.EventID, r.DestinationID), DeliveryInfo: DeliveryInfo{ApplicationID: r.ApplicationID,
			EventID: r.EventID, DestinationID: r.DestinationID, WebhookType: r.WebhookType, SessionID: r.SessionID, URL: r.URL,
			Label: r.Label, State: r.State, Attempts: r.Attempts, QueuedAt: r.QueuedAt, NextAttemptAt: r.NextAttemptAt,
			DeliveredAt: r.DeliveredAt, EventAt: r.EventAt}}
		if r.LastStatus != nil {
			d.LastStatusCode = *r.LastStatus
		}
		if r.LastError != nil {
			d.LastError = *r.LastError
		}
		for _, a := range r.AttemptRows {
			ai := AttemptInfo{No: a.No, At: a.At, Duration: time.Duration(a.DurationMS) * time.Millisecond}
			if a.StatusCode != nil {
				ai.StatusCode = *a.StatusCode
			}
			if a.Error != nil {
				ai.Error = *a.Error
			}
			d.History = append(d.History, ai)
		}
		out[i] = d
	}
	return out, nil
}

// ResendSessionWebhook queues one delivery of an event about one of the
// caller's sessions again; the sender stamps and signs it afresh.
func (s *Service) ResendSessionWebhook(ctx context.Context, caller domain.Caller, sessionID, deliveryID uuid.UUID) (SessionDelivery, error) {
	if err := requireEither(caller, domain.PrivWriteWebhooks, domain.PrivWriteSessions); err != nil {
		return SessionDelivery{}, err
	}
	list, err := s.SessionWebhooks(ctx, caller, sessionID)
	if err != nil {
		return SessionDelivery{}, err
	}
	for _, d := range list {
		if d.ID == deliveryID {
			if _, err := s.Redeliver(ctx, caller, d.EventID, &d.DestinationID); err != nil {
				return SessionDelivery{}, err
			}
			d.State = "pending"
			return d, nil
		}
	}
	return SessionDelivery{}, domain.NotFoundf("No such delivery for this session.")
}
