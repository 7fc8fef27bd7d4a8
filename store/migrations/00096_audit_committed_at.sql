-- +goose Up
-- When each sealed event's use case committed, where PostgreSQL records
-- commit times (track_commit_timestamp, on in the embedded cluster): the
-- sequencer's lag is from there to sealed_at. queued_at, the pending
-- insert, comes before the rest of the use case and its commit.
ALTER TABLE audit_events ADD COLUMN committed_at timestamptz;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN committed_at;
