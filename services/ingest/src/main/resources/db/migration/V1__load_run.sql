-- Load runs: one row per load (manual or a task attempt), claimed by workers with FOR UPDATE SKIP LOCKED.
CREATE TABLE load_run (
    id           uuid        PRIMARY KEY,              -- the load id (a task's: its task run id)
    namespace    text        NOT NULL,
    dataset      text        NOT NULL,
    spec         jsonb       NOT NULL,                 -- the load spec, never secrets (credentialsRef only)
    task_run_id  uuid,                                 -- set when the scheduler asked for it
    run_id       uuid,
    attempt      int         NOT NULL DEFAULT 1,
    status       text        NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    requested_by text        NOT NULL,
    worker       text,                                 -- who runs it now
    lease_until  timestamptz,                          -- a running load whose lease ran out is claimed again
    tries        int         NOT NULL DEFAULT 0,
    rows_loaded  bigint,
    bytes_read   bigint,
    quarantined  bigint,
    discarded    bigint,
    duration_ms  bigint,
    error        text,
    retryable    boolean,
    raw_location text,
    target_table text,
    notes        jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz
);

CREATE INDEX load_run_claimable_idx ON load_run (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX load_run_dataset_idx ON load_run (namespace, dataset, created_at DESC);
