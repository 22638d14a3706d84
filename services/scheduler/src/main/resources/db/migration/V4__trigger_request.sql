-- Idempotency keys of trigger requests (issue 21): a client's retry with the same Idempotency-Key gets the first
-- run instead of a second one, for 24 hours. The hash tells a retry (same body) from a different request (422).
CREATE TABLE trigger_request (
    namespace       text        NOT NULL,
    pipeline_id     text        NOT NULL,
    idempotency_key text        NOT NULL,
    request_hash    text        NOT NULL,
    run_id          uuid        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, pipeline_id, idempotency_key)
);

CREATE INDEX trigger_request_created_at_idx ON trigger_request (created_at);
