package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// webhookRoutes registers the webhook destinations endpoints.
func (s *Server) webhookRoutes() {
	s.mux.HandleFunc("POST /v3/webhook/destinations/{$}", s.authed(s.createDestination))
	s.mux.HandleFunc("GET /v3/webhook/destinations/{$}", s.authed(s.listDestinations))
	s.mux.HandleFunc("GET /v3/webhook/destinations/{destinationId}/{$}", s.authed(s.getDestination))
	s.mux.HandleFunc("PATCH /v3/webhook/destinations/{destinationId}/{$}", s.authed(s.updateDestination))
	s.mux.HandleFunc("DELETE /v3/webhook/destinations/{destinationId}/{$}", s.authed(s.deleteDestination))
}

type destinationBody struct {
	URL              *string   `json:"url"`
	SubscribedEvents *[]string `json:"subscribed_events"`
	Label            *string   `json:"label"`
	Enabled          *bool     `json:"enabled"`
	WebhookVersion   *string   `json:"webhook_version"`
}

func (b destinationBody) input() review.DestinationInput {
	return review.DestinationInput{URL: b.URL, Label: b.Label, SubscribedEvents: b.SubscribedEvents, Enabled: b.Enabled,
		WebhookVersion: b.WebhookVersion}
}

// destinationJSON is a destination as the API shows it: never its secret,
// except once, in the 201 of its creation.
func destinationJSON(d domain.Destination) map[string]any {
	events := d.SubscribedEvents
	if events == nil {
		events = []string{}
	}
	return map[string]any{
		"uuid": d.ID, "url": d.URL, "label": d.Label, "subscribed_events": events, "enabled": d.Enabled,
		"webhook_version": d.WebhookVersion,
		"created_at":      d.CreatedAt.UTC().Format(time.RFC3339Nano), "updated_at": d.UpdatedAt.UTC().Format(time.RFC3339Nano),
	}
}

// withSummaries adds Didit's delivery summary to each destination shown.
func (s *Server) withSummaries(r *http.Request, caller domain.Caller, list ...map[string]any) error {
	ids := make([]uuid.UUID, len(list))
	for i, d := range list {
		ids[i] = d["uuid"].(uuid.UUID)
	}
	sums, err := s.svc.DeliverySummaries(r.Context(), caller, ids)
	if err != nil {
		return err
	}
	for _, d := range list {
		sum := sums[d["uuid"].(uuid.UUID)]
		d["summary"] = map[string]any{
			"total_deliveries": sum.Total, "failed_deliveries": sum.Failed, "error_rate_percentage": sum.ErrorRate(),
			"min_response_time_ms": sum.MinMS, "avg_response_time_ms": sum.AvgMS, "max_response_time_ms": sum.MaxMS,
			"last_delivery_at": timeOrNil(sum.LastDeliveryAt),
		}
	}
	return nil
}

// destinationID reads the {destinationId} path segment; a malformed id is
// not found.
func destinationID(r *http.Request) (uuid.UUID, error) {
	v := r.PathValue("destinationId")
	id, err := uuid.Parse(v)
	if err != nil || len(v) != 36 {
		return uuid.Nil, domain.NotFoundf("Not found.")
	}
	return id, nil
}

func (s *Server) createDestination(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	var body destinationBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	created, err := s.svc.CreateDestination(r.Context(), caller, body.input())
	if err != nil {
		return err
	}
	out := destinationJSON(created.Destination)
	out["secret_shared_key"] = created.Secret
	if err := s.withSummaries(r, caller, out); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) listDestinations(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	list, err := s.svc.Destinations(r.Context(), caller)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(list))
	for i, d := range list {
		out[i] = destinationJSON(d)
	}
	if err := s.withSummaries(r, caller, out...); err != nil {
		return err
	}
	for _, d := range out { // Didit's list also flattens the summary
		sum := d["summary"].(map[string]any)
		d["subscribed_events_count"] = len(d["subscribed_events"].([]string))
		d["deliveries_count"], d["failed_deliveries_count"] = sum["total_deliveries"], sum["failed_deliveries"]
		d["average_response_time_ms"], d["error_rate_percentage"] = sum["avg_response_time_ms"], sum["error_rate_percentage"]
		d["last_delivery_at"] = sum["last_delivery_at"]
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getDestination(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := destinationID(r)
	if err != nil {
		return err
	}
	d, err := s.svc.Destination(r.Context(), caller, id)
	if err != nil {
		return err
	}
	out := destinationJSON(d)
	if err := s.withSummaries(r, caller, out); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) updateDestination(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := destinationID(r)
	if err != nil {
		return err
	}
	var body destinationBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	d, err := s.svc.UpdateDestination(r.Context(), caller, id, body.input())
	if err != nil {
		return err
	}
	out := destinationJSON(d)
	if err := s.withSummaries(r, caller, out); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteDestination(w http.ResponseWriter, r *http.Request, caller domain.Caller) error {
	id, err := destinationID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteDestination(r.Context(), caller, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
