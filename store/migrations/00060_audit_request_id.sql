-- +goose Up
-- The X-Request-Id of the API request that wrote the event (NULL for the
-- workstation and the command line), so a log line leads to its events.
ALTER TABLE audit_events ADD COLUMN request_id text;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN request_id;
