-- +goose Up
-- Analysts work in the workstation, locally or over SSH with a registered
-- public key, for the applications they are registered for.
CREATE TABLE analysts (
    analyst_id uuid PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz
);
CREATE UNIQUE INDEX analysts_live_name ON analysts (lower(name)) WHERE removed_at IS NULL;

CREATE TABLE analyst_keys (
    analyst_id  uuid NOT NULL REFERENCES analysts,
    fingerprint text NOT NULL,
    public_key  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (analyst_id, fingerprint)
);
CREATE INDEX analyst_keys_fingerprint ON analyst_keys (fingerprint);

CREATE TABLE analyst_applications (
    application_id uuid NOT NULL REFERENCES applications,
    analyst_id     uuid NOT NULL REFERENCES analysts,
    PRIMARY KEY (application_id, analyst_id)
);

-- A claim: one analyst works a queued case; others see it as claimed and
-- cannot decide it. Expired claims are free for the taking.
CREATE TABLE case_claims (
    application_id uuid NOT NULL REFERENCES applications,
    session_id     uuid NOT NULL,
    analyst        text NOT NULL,
    claimed_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    PRIMARY KEY (application_id, session_id),
    FOREIGN KEY (application_id, session_id) REFERENCES sessions
);

-- +goose Down
DROP TABLE case_claims, analyst_applications, analyst_keys, analysts;
