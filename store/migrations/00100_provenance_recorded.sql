-- +goose Up
-- A chain reads what its import recorded, never today's rows: the direct
-- source's application name and session number go into the imports row
-- the import writes anyway, each upstream hop's name into import_hops, so a
-- later rename, deletion or erasure upstream does not change a clone's
-- history. Ids, names of applications and session numbers only.
ALTER TABLE imports ADD COLUMN source_application_name text, ADD COLUMN source_session_number bigint;
ALTER TABLE import_hops ADD COLUMN hop_application_name text;

-- Imports made before: the best record left is what the database holds now
-- (an application's name even if it was deleted since; it was live when
-- the import ran, which needs it so).
UPDATE imports i SET source_application_name = a.name FROM applications a WHERE a.application_id = i.source_application_id;
UPDATE imports i SET source_session_number = s.session_number FROM sessions s
WHERE s.application_id = i.source_application_id AND s.session_id = i.source_session_id;
UPDATE import_hops h SET hop_application_name = a.name FROM applications a WHERE a.application_id = h.hop_application_id;

-- +goose Down
ALTER TABLE import_hops DROP COLUMN hop_application_name;
ALTER TABLE imports DROP COLUMN source_application_name, DROP COLUMN source_session_number;
