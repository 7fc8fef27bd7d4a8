-- +goose Up
-- Didit's webhook_version per destination (the payload schema it was
-- registered for; v3 is Didit's current one).
ALTER TABLE webhook_destinations
    ADD COLUMN webhook_version text NOT NULL DEFAULT 'v3' CHECK (webhook_version IN ('v1', 'v2', 'v3'));
-- One live destination per URL in an application (checked by the use
-- case under a lock, so existing duplicates do not stop the migration);
-- this index serves the check and the delivery summaries.
CREATE INDEX webhook_destinations_url ON webhook_destinations (application_id, url) WHERE deleted_at IS NULL;
CREATE INDEX webhook_deliveries_destination ON webhook_deliveries (application_id, destination_id);
CREATE INDEX webhook_attempts_destination ON webhook_attempts (application_id, destination_id);

-- +goose Down
DROP INDEX webhook_attempts_destination;
DROP INDEX webhook_deliveries_destination;
DROP INDEX webhook_destinations_url;
ALTER TABLE webhook_destinations DROP COLUMN webhook_version;
