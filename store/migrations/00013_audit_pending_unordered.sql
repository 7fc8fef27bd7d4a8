-- +goose Up
-- Pending events are few (sealed within a fraction of a second), so the
-- sequencer sorts them by queued_at itself; an index on it made every
-- insert of one application land on the same right-most index page, a hot
-- spot when many partners import one issuer's tokens at once.
DROP INDEX audit_pending_order;

-- +goose Down
CREATE INDEX audit_pending_order ON audit_pending (application_id, queued_at, event_id);
