-- +goose Up
-- What a partner sent with POST /v3/session/ (Didit's top-level session
-- fields), kept beside the session so the decision response can answer
-- with it. Sessions made otherwise (imports, generated) have no row.
CREATE TABLE session_details (
    application_id   uuid NOT NULL,
    session_id       uuid NOT NULL,
    session_token    text NOT NULL,
    callback         text,
    metadata         jsonb,
    contact_details  jsonb,
    expected_details jsonb,
    PRIMARY KEY (application_id, session_id),
    FOREIGN KEY (application_id, session_id) REFERENCES sessions
);

-- +goose Down
DROP TABLE session_details;
