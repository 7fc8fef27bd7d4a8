-- +goose Up
-- A session's identifiers are found by the session alone (erasure deletes
-- them). Led by application_id, as it was, this index competed with the
-- primary key for every duplicate lookup, and when an application's
-- statistics said it was empty (a new one, before autovacuum's next
-- ANALYZE) the planner could pick it and read all the application's
-- identifiers for each lookup.
DROP INDEX session_identifiers_session;
CREATE INDEX session_identifiers_session ON session_identifiers (session_id, application_id);

-- +goose Down
DROP INDEX session_identifiers_session;
CREATE INDEX session_identifiers_session ON session_identifiers (application_id, session_id);
