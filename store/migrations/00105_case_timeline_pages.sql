-- +goose Up
-- A case page reads the newest page of its timeline, and older pages on
-- request, by keyset on (at, seq): the session indexes of the audit trail,
-- sealed and pending, carry the time, so a page costs its own rows
-- whatever the history's length. The import's event (the Decision block's
-- "issuer's status at import") and the newest decision have their own
-- small indexes, so that reading them does not walk a long case's notes.
DROP INDEX audit_events_session;
CREATE INDEX audit_events_session ON audit_events (application_id, session_id, at, seq) WHERE session_id IS NOT NULL;
DROP INDEX audit_pending_session;
CREATE INDEX audit_pending_session ON audit_pending (application_id, session_id, at) WHERE session_id IS NOT NULL;
CREATE INDEX audit_events_imported ON audit_events (application_id, session_id) WHERE action = 'session.imported';
CREATE INDEX reviews_decisions ON reviews (application_id, session_id, seq)
    WHERE activity_type IN ('STATUS_UPDATED', 'DECISION_CONFIRMED');

-- +goose Down
DROP INDEX reviews_decisions;
DROP INDEX audit_events_imported;
DROP INDEX audit_pending_session;
CREATE INDEX audit_pending_session ON audit_pending (application_id, session_id) WHERE session_id IS NOT NULL;
DROP INDEX audit_events_session;
CREATE INDEX audit_events_session ON audit_events (application_id, session_id) WHERE session_id IS NOT NULL;
