-- +goose Up
-- Evidence pictures are sealed under the application's biometric data key
-- (review's sealMedia). generation is the key generation a row is sealed
-- with; NULL marks a row written before sealing, in the clear, which
-- `handoff app rotate-data` seals.
ALTER TABLE session_media ADD COLUMN generation int;

-- +goose Down
ALTER TABLE session_media DROP COLUMN generation;
