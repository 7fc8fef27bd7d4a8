-- +goose Up
-- List entries hold what an analyst blocks: document numbers, e-mail
-- addresses, names in labels and comments. Their value, display_label,
-- comment and metadata are sealed together (the review layer seals them
-- with the application's data key, bound to the application and the
-- entry id); matching keeps using value_hash. Entries written before this
-- are sealed by the housekeeping in `serve` (the key lives outside the
-- database, so SQL cannot), which blanks the plain columns as it goes.
--
-- The plain columns stay, blank, rather than being dropped: a server of
-- the previous release still running beside a new one during a rolling
-- upgrade reads them (blank) instead of failing, and what it writes in the
-- clear is sealed by the next housekeeping pass. A later release can drop
-- them. The check makes sure no row is ever both sealed and in the clear.
ALTER TABLE list_entries ADD COLUMN sealed bytea, ADD COLUMN key_generation int,
    ADD CONSTRAINT list_entries_sealed_blank
        CHECK (sealed IS NULL OR (value = '' AND display_label = '' AND comment = '' AND metadata IS NULL));
CREATE INDEX list_entries_unsealed ON list_entries (application_id, entry_id) WHERE sealed IS NULL;

-- +goose Down
-- (Sealed entries keep only their hash and ids: going down loses their
-- values, as it would lose a sealed session's checks.)
DROP INDEX list_entries_unsealed;
ALTER TABLE list_entries DROP CONSTRAINT list_entries_sealed_blank, DROP COLUMN sealed, DROP COLUMN key_generation;
