package review

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
)

// DeliveryDecision completes the opened body of a status.updated delivery
// for a finished status with its decision object (the decision response's
// shape, domain.DecisionView), built when it is sent from the session as
// it is sealed in the database: the webhook sender's
// webhook.Config.Decision. The outbox never holds it: the checks are
// personal data, kept under the session's keys only. Its links
// (session_url, media) are built on SetPublicURL's base; without one they
// are null and the stored references. A session whose status has changed
// since the event (a delayed delivery) sends no decision: a body must not
// say Approved with a decision that says Declined. Nor does a session
// erased since. Any other failure is returned, and the delivery retried.
func (s *Service) DeliveryDecision(ctx context.Context, r *store.LeasedDelivery) error {
	var head struct {
		WebhookType string          `json:"webhook_type"`
		SessionID   *uuid.UUID      `json:"session_id"`
		Status      domain.Status   `json:"status"`
		Decision    json.RawMessage `json:"decision"`
	}
	if json.Unmarshal([]byte(r.Payload), &head) != nil || head.WebhookType != domain.EventStatusUpdated ||
		head.SessionID == nil || !head.Status.Finished() || head.Decision != nil {
		return nil
	}
	reader := domain.Caller{ApplicationID: r.ApplicationID, Privileges: []domain.Privilege{domain.PrivReadSessions}}
	v, err := s.Decision(ctx, reader, *head.SessionID)
	if domain.IsCode(err, domain.CodeNotFound) {
		gone, gerr := store.SessionGone(ctx, s.db, r.ApplicationID, *head.SessionID)
		if gerr != nil {
			return gerr
		}
		if gone {
			return nil // sent without it: no retry would find the session
		}
	}
	if err != nil {
		return fmt.Errorf("session %s, its decision: %w", *head.SessionID, err)
	}
	if v.Session.Status != head.Status {
		return nil // the event's state is gone: its newer events carry the decision
	}
	if base := s.publicBase(); base != "" {
		link, err := s.MediaLinker(ctx, reader)
		if err != nil {
			return err
		}
		v.Link(base, func(name string) string { return link(v.Session.ID, name) })
	}
	body := strings.TrimRight(r.Payload, " \t\r\n")
	if !strings.HasSuffix(body, "}") || body == "{}" {
		return nil
	}
	r.Payload = body[:len(body)-1] + `,"decision":` + string(v.JSON()) + "}"
	return nil
}

// SetPublicURL sets the base (domain.ParsePublicURL) of the links in the
// webhooks' decision objects: session_url and media links, minted when
// each delivery is sent. Without it ("") they carry neither: there is no
// request to take this server's address from.
func (s *Service) SetPublicURL(base string) { s.publicURL.Store(&base) }

func (s *Service) publicBase() string {
	if p := s.publicURL.Load(); p != nil {
		return *p
	}
	return ""
}
