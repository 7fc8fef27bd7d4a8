-- +goose Up
-- A session's change counter: 1 when it is created (or imported), one more
-- on every status change and on its deletion. Webhook events carry it as
-- session_version, so a receiver can order a session's events whatever
-- order they arrive in.
ALTER TABLE sessions ADD COLUMN version bigint NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE sessions DROP COLUMN version;
