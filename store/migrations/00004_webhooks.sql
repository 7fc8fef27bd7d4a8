-- +goose Up
-- Webhooks: destinations, an outbox of events written in the transaction of
-- the change they report, one delivery row per (event, destination) that
-- deliverers claim, and every attempt. Keys lead with application_id like
-- every tenant table (see 00001).

CREATE TABLE webhook_destinations (
    application_id        uuid NOT NULL REFERENCES applications,
    destination_id        uuid NOT NULL,
    url                   text NOT NULL,
    label                 text NOT NULL DEFAULT '',
    subscribed_events     text[] NOT NULL,
    enabled               boolean NOT NULL DEFAULT true,
    secret                text NOT NULL,
    -- The secret a rotation replaced, still used for the -Previous
    -- signatures until previous_secret_until.
    previous_secret       text,
    previous_secret_until timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    deleted_at            timestamptz,
    PRIMARY KEY (application_id, destination_id)
);

-- The outbox: the exact body bytes that are signed and sent (json keeps its
-- input text as is). Written only when at least one destination subscribes.
CREATE TABLE webhook_events (
    application_id uuid NOT NULL REFERENCES applications,
    event_id       uuid NOT NULL,
    webhook_type   text NOT NULL,
    session_id     uuid,
    payload        json NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, event_id)
);

CREATE TABLE webhook_deliveries (
    application_id  uuid NOT NULL,
    event_id        uuid NOT NULL,
    destination_id  uuid NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    -- Attempts started (claims), which numbers webhook_attempts rows.
    attempts        integer NOT NULL DEFAULT 0,
    -- When the current round of retries began: the event, or a redeliver.
    queued_at       timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- A deliverer's claim: nobody else sends this delivery before
    -- claimed_until, and only the holder of claim_token records a failure.
    claimed_until   timestamptz,
    claim_token     uuid,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    PRIMARY KEY (application_id, event_id, destination_id),
    FOREIGN KEY (application_id, event_id) REFERENCES webhook_events,
    FOREIGN KEY (application_id, destination_id) REFERENCES webhook_destinations
);
-- What the deliverers poll: due pending deliveries across all tenants. Not
-- a key, so it need not lead with application_id (Citus keeps it per shard).
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
-- handoff webhook deliveries: an application's newest deliveries.
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (application_id, queued_at DESC);

CREATE TABLE webhook_attempts (
    application_id uuid NOT NULL,
    event_id       uuid NOT NULL,
    destination_id uuid NOT NULL,
    attempt_no     integer NOT NULL,
    at             timestamptz NOT NULL,
    status_code    integer,
    duration_ms    integer NOT NULL,
    error          text,
    PRIMARY KEY (application_id, event_id, destination_id, attempt_no),
    FOREIGN KEY (application_id, event_id, destination_id) REFERENCES webhook_deliveries
);

-- +goose Down
DROP TABLE webhook_attempts, webhook_deliveries, webhook_events, webhook_destinations;
