-- +goose Up
-- Reviews as Didit has them (/v3/sessions/{id}/reviews/): every decision,
-- note, four-eyes proposal and its confirmation or rejection on a session,
-- whichever front end made it. The audit trail holds the same facts; this
-- table is the per-session feed, read oldest first.
CREATE TABLE reviews (
    application_id  uuid        NOT NULL,
    id              uuid        NOT NULL,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    session_id      uuid        NOT NULL,
    activity_type   text        NOT NULL,
    actor           text        NOT NULL,
    actor_type      text        NOT NULL,
    actor_display   text        NOT NULL,
    new_status      text,
    previous_status text,
    comment         text        NOT NULL DEFAULT '',
    reason_code     text,
    metadata        jsonb,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (application_id, id),
    FOREIGN KEY (application_id, session_id) REFERENCES sessions (application_id, session_id)
);
CREATE INDEX reviews_session ON reviews (application_id, session_id, seq);

-- +goose Down
DROP TABLE reviews;
