-- +goose Up
-- When a sealed event was inserted pending (its use case's last statement
-- before commit), kept next to sealed_at: the sequencer's lag is their
-- difference.
ALTER TABLE audit_events ADD COLUMN queued_at timestamptz;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN queued_at;
