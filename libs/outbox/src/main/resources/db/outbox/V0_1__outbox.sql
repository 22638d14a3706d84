-- Transactional outbox and idempotent-consumer marks, shipped by libs/outbox.
-- A service adds `classpath:db/outbox` to quarkus.flyway.locations; its own migrations start at V1.
-- Names are unqualified on purpose: Flyway creates the tables in the service's own schema.

-- Events written in the same transaction as the state change they describe. The relay publishes unpublished rows
-- in id order and then sets published_at; published rows are deleted after the configured retention.
CREATE TABLE outbox (
    id           bigserial   PRIMARY KEY,  -- publication order
    event_id     uuid        NOT NULL UNIQUE,
    topic        text        NOT NULL,
    event_key    text,                     -- the Kafka key; events with the same key stay in order
    event_type   text        NOT NULL,     -- CloudEvents type, sent as the ce_type header
    payload      bytea       NOT NULL,     -- the Kafka record value, byte for byte
    headers      jsonb,                    -- extra Kafka headers, {"name": "value"}
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

-- What the relay reads: the few rows not yet published, in id order.
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

-- One row per (consumer, event) already handled, written in the transaction of the handling.
CREATE TABLE processed_event (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE INDEX processed_event_processed_at_idx ON processed_event (processed_at);
