-- The notifier's own tables, in schema `notifier` (the outbox tables come from libs/outbox, V0_1).

-- Where notifications go. `settings` holds the plain settings and the NAMES of secrets (…Ref keys), never a secret.
CREATE TABLE channel (
    id          uuid        PRIMARY KEY,
    namespace   text        NOT NULL,
    name        text        NOT NULL,
    type        text        NOT NULL,   -- slack | webhook | email
    settings    jsonb       NOT NULL,
    max_attempts int,                   -- NULL: strata.notifier.delivery.max-attempts
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (namespace, name)
);

-- Which events of a namespace go to which channel. NULL pipeline / dataset = any.
CREATE TABLE subscription (
    id           uuid        PRIMARY KEY,
    namespace    text        NOT NULL,
    channel_id   uuid        NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
    event_types  text[]      NOT NULL,  -- run_failed, run_succeeded, sla_missed, data_test_failed, freshness_breached
    pipeline_id  text,
    dataset      text,
    enabled      boolean     NOT NULL DEFAULT true,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX subscription_namespace_idx ON subscription (namespace) WHERE enabled;

-- The delivery log: one row per (event, subscription). A row is due while status = 'pending' and
-- next_attempt_at <= now(); a sender claims it with FOR UPDATE SKIP LOCKED and pushes next_attempt_at past its
-- lease, so a sender that dies leaves the row due again once the lease ends.
CREATE TABLE delivery (
    id               uuid        PRIMARY KEY,
    event_id         uuid        NOT NULL,
    subscription_id  uuid        NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    channel_id       uuid        NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
    namespace        text        NOT NULL,
    event_type       text        NOT NULL,
    notification     jsonb       NOT NULL,  -- what is sent, channel-independent
    status           text        NOT NULL DEFAULT 'pending',  -- pending | delivered | dead_lettered
    attempts         int         NOT NULL DEFAULT 0,
    max_attempts     int         NOT NULL,
    next_attempt_at  timestamptz,
    response_code    int,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    UNIQUE (event_id, subscription_id)
);

-- What the sender reads: only the due rows, oldest first.
CREATE INDEX delivery_due_idx ON delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX delivery_namespace_idx ON delivery (namespace, created_at DESC);
CREATE INDEX delivery_dead_idx ON delivery (id) WHERE status = 'dead_lettered';
