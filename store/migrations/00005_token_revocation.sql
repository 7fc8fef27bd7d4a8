-- +goose Up
-- An issuer may revoke a token before it is imported; import refuses a
-- revoked token. A session's tokens are listed by the issuer.
ALTER TABLE share_tokens ADD COLUMN revoked_at timestamptz, ADD COLUMN revoked_by text;
CREATE INDEX share_tokens_session ON share_tokens (application_id, session_id, created_at DESC);

-- +goose Down
DROP INDEX share_tokens_session;
ALTER TABLE share_tokens DROP COLUMN revoked_at, DROP COLUMN revoked_by;
