-- +goose Up
-- Webhook events carry the session as the decision endpoint shows it, with
-- its checks: the outbox keeps the body sealed with the application's data
-- key (the sender opens it to sign and send). payload stays for rows
-- written before.
ALTER TABLE webhook_events ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE webhook_events ADD COLUMN sealed_payload bytea;

-- +goose Down
ALTER TABLE webhook_events DROP COLUMN sealed_payload;
