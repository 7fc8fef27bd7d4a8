-- +goose Up
-- GET /v3/session/{id}/webhooks/: a session's events.
CREATE INDEX webhook_events_session ON webhook_events (application_id, session_id) WHERE session_id IS NOT NULL;

-- +goose Down
DROP INDEX webhook_events_session;
