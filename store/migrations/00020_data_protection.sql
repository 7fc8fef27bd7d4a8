-- +goose Up
-- Data at rest: each application's data keys, wrapped by a master key kept
-- outside the database (handoff's key file, or a KMS). A rotation adds a
-- generation; values carry the generation they were sealed with, so old
-- and new both open while a rotation moves them. Keys are never deleted:
-- a value sealed under a retired generation still opens.
CREATE TABLE data_keys (
    application_id uuid NOT NULL REFERENCES applications,
    purpose        text NOT NULL CHECK (purpose IN ('data', 'biometric', 'match')),
    generation     integer NOT NULL CHECK (generation > 0),
    master_key_id  text NOT NULL,
    wrapped        bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, purpose, generation)
);

-- A session's checks are sealed (sealed: everything but biometrics, with
-- the data key; biometrics: with the biometric key); checks stays only for
-- rows written before this migration until a rotate-data seals them.
-- erased_at marks a session whose payload was erased for good.
ALTER TABLE sessions ALTER COLUMN checks DROP NOT NULL;
-- sealed_details is what POST /v3/session/ was sent (contact and expected
-- details are personal data), sealed like the checks.
ALTER TABLE sessions ADD COLUMN sealed bytea, ADD COLUMN biometrics bytea,
    ADD COLUMN key_generation integer, ADD COLUMN erased_at timestamptz, ADD COLUMN sealed_details bytea;
-- rotate-data finds the sessions still sealed under an older generation.
CREATE INDEX sessions_to_reseal ON sessions (application_id, key_generation, session_number)
    WHERE erased_at IS NULL;
-- The purger finds sessions past their application's retention.
CREATE INDEX sessions_retention ON sessions (application_id, created_at) WHERE erased_at IS NULL;

-- Share-token signing keys, wrapped by the master key like data keys.
ALTER TABLE signing_keys ALTER COLUMN secret DROP NOT NULL;
ALTER TABLE signing_keys ADD COLUMN wrapped bytea;

-- Webhook signing secrets, sealed with the application's data key.
ALTER TABLE webhook_destinations ALTER COLUMN secret DROP NOT NULL;
ALTER TABLE webhook_destinations ADD COLUMN sealed_secret bytea, ADD COLUMN sealed_previous_secret bytea;

-- Retention in days (30 days to 10 years); NULL keeps sessions forever.
ALTER TABLE applications ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 30 AND 3660);

-- +goose Down
ALTER TABLE applications DROP COLUMN retention_days;
ALTER TABLE webhook_destinations DROP COLUMN sealed_secret, DROP COLUMN sealed_previous_secret;
ALTER TABLE signing_keys DROP COLUMN wrapped;
DROP INDEX sessions_retention, sessions_to_reseal;
ALTER TABLE sessions DROP COLUMN sealed, DROP COLUMN biometrics, DROP COLUMN key_generation, DROP COLUMN erased_at,
    DROP COLUMN sealed_details;
DROP TABLE data_keys;
