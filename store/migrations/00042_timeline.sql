-- +goose Up
-- A case's timeline reads its session's events in one query: pending audit
-- events and the import record by session too.
CREATE INDEX audit_pending_session ON audit_pending (application_id, session_id) WHERE session_id IS NOT NULL;
CREATE INDEX imports_session ON imports (application_id, session_id);

-- +goose Down
DROP INDEX audit_pending_session;
DROP INDEX imports_session;
