-- +goose Up
-- Provenance to the origin. An import's direct source is in its imports
-- row; a clone of a clone also needs the hops before that, which are kept
-- here at import (ids and session numbers only, nothing about the person):
-- position 0 is the origin session, each row names the token that carried
-- its session on to the next application. A direct clone of an original
-- has no rows, so ordinary imports write nothing more.
CREATE TABLE import_hops (
    application_id     uuid NOT NULL,  -- the importer
    session_id         uuid NOT NULL,  -- the clone
    position           int NOT NULL,
    hop_application_id uuid NOT NULL,
    hop_session_id     uuid NOT NULL,
    hop_session_number bigint,         -- null when it could not be read
    token_id           uuid NOT NULL,
    PRIMARY KEY (application_id, session_id, position)
);

-- The clones of clones imported before this table: their upstream hops
-- follow the imports rows back (a session is cloned only into a new one,
-- so the walk ends; the depth bound is a guard).
WITH RECURSIVE up (application_id, session_id, depth, hop_app, hop_session, token_id) AS (
    SELECT i.application_id, i.session_id, 1, j.source_application_id, j.source_session_id, j.token_id
    FROM imports i
    JOIN imports j ON j.application_id = i.source_application_id AND j.session_id = i.source_session_id
    UNION ALL
    SELECT u.application_id, u.session_id, u.depth + 1, k.source_application_id, k.source_session_id, k.token_id
    FROM up u
    JOIN imports k ON k.application_id = u.hop_app AND k.session_id = u.hop_session
    WHERE u.depth < 64
)
INSERT INTO import_hops (application_id, session_id, position, hop_application_id, hop_session_id, hop_session_number, token_id)
SELECT u.application_id, u.session_id, max(u.depth) OVER (PARTITION BY u.application_id, u.session_id) - u.depth,
       u.hop_app, u.hop_session, s.session_number, u.token_id
FROM up u
LEFT JOIN sessions s ON s.application_id = u.hop_app AND s.session_id = u.hop_session;

-- +goose Down
DROP TABLE import_hops;
