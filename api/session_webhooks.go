package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

func deliveryJSON(d review.SessionDelivery) map[string]any {
	attempts := make([]map[string]any, len(d.History))
	for i, a := range d.History {
		var code any
		if a.StatusCode != 0 {
			code = a.StatusCode
		}
		attempts[i] = map[string]any{"attempt": a.No, "at": a.At.UTC().Format(time.RFC3339Nano), "status_code": code,
			"response_time_ms": a.Duration.Milliseconds(), "error": nullable(a.Error)}
	}
	var last any
	if d.LastStatusCode != 0 {
		last = d.LastStatusCode
	}
	return map[string]any{
		"delivery_id": d.ID, "event_id": d.EventID, "webhook_type": d.WebhookType, "destination_uuid": d.DestinationID,
		"url": d.URL, "state": d.State, "attempts_count": d.Attempts, "last_status_code": last, "last_error": nullable(d.LastError),
		"created_at": d.EventAt.UTC().Format(time.RFC3339Nano), "delivered_at": timeOrNil(d.DeliveredAt), "attempts": attempts,
	}
}

// sessionWebhooks serves GET /v3/session/{sessionId}/webhooks/ (handoff
// extension): the session's deliveries with their attempts.
func (s *Server) sessionWebhooks(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.SessionWebhooks(r.Context(), caller, id)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, d := range list {
		out[i] = deliveryJSON(d)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// resendSessionWebhook serves POST /v3/session/{sessionId}/webhooks/{deliveryId}/resend/
// (handoff extension): queued again, sent with a fresh timestamp and signatures.
func (s *Server) resendSessionWebhook(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := sessionID(r)
	if err != nil {
		return err
	}
	v := r.PathValue("deliveryId")
	did, err := uuid.Parse(v)
	if err != nil || len(v) != 36 {
		return domain.NotFoundf("Not found.")
	}
	d, err := s.svc.ResendSessionWebhook(r.Context(), caller, id, did)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, deliveryJSON(d))
	return nil
}
