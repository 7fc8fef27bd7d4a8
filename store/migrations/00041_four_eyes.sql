-- +goose Up
-- Per-application review settings: the four-eyes policy and the review
-- service level (0: none).
ALTER TABLE applications
    ADD COLUMN four_eyes text NOT NULL DEFAULT 'off' CHECK (four_eyes IN ('off', 'declines', 'all')),
    ADD COLUMN review_sla_seconds bigint NOT NULL DEFAULT 0 CHECK (review_sla_seconds >= 0);

-- A decision waiting for a second reviewer: at most one per case. The
-- confirmation deletes it under the session's row lock, so of two
-- confirmers exactly one finds it.
CREATE TABLE decision_proposals (
    application_id uuid        NOT NULL,
    session_id     uuid        NOT NULL,
    review_id      uuid        NOT NULL,
    phase          text        NOT NULL CHECK (phase IN ('approved', 'declined')),
    reason_code    text,
    note           text        NOT NULL DEFAULT '',
    proposer       text        NOT NULL,
    proposer_name  text        NOT NULL,
    proposed_at    timestamptz NOT NULL,
    PRIMARY KEY (application_id, session_id),
    FOREIGN KEY (application_id, session_id) REFERENCES sessions (application_id, session_id)
);

-- +goose Down
DROP TABLE decision_proposals;
ALTER TABLE applications DROP COLUMN four_eyes, DROP COLUMN review_sla_seconds;
