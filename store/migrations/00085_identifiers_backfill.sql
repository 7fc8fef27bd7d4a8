-- +goose Up
-- Sessions stored before session_identifiers existed (00030) were never
-- indexed, so no later import found them as duplicates. The flag marks the
-- live sessions without a single identifier row; the housekeeping in
-- `serve` indexes them in batches (it needs the application's matching
-- key, which SQL cannot use) and clears it. A session that truly holds no
-- identifier is read once and cleared. New sessions are indexed by the use
-- case that stores them and never flagged.
ALTER TABLE sessions ADD COLUMN identifiers_pending boolean NOT NULL DEFAULT false;
UPDATE sessions s SET identifiers_pending = true
WHERE s.erased_at IS NULL AND s.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM session_identifiers i WHERE i.application_id = s.application_id AND i.session_id = s.session_id);
CREATE INDEX sessions_identifiers_pending ON sessions (application_id, session_id) WHERE identifiers_pending;

-- +goose Down
DROP INDEX sessions_identifiers_pending;
ALTER TABLE sessions DROP COLUMN identifiers_pending;
