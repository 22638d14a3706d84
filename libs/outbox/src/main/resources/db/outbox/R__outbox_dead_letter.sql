-- Dead letters of the service's Kafka consumers (libs/outbox EventConsumer): a record that failed every try, or that
-- cannot be decoded, with the reason. A repeatable migration (runs after the service's own versioned ones), so every
-- service that ships db/outbox gets it without a version number of its own.
CREATE TABLE IF NOT EXISTS dead_letter (
    consumer         text        NOT NULL,   -- the consumer's name, e.g. registry.dataset-events
    topic            text        NOT NULL,
    kafka_partition  int         NOT NULL,
    record_offset    bigint      NOT NULL,
    event_id         text,                   -- ce_id, when the record had one
    event_type       text,                   -- ce_type, when the record had one
    reason           text        NOT NULL,
    dead_lettered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, kafka_partition, record_offset)
);

CREATE INDEX IF NOT EXISTS dead_letter_at_idx ON dead_letter (dead_lettered_at DESC);
