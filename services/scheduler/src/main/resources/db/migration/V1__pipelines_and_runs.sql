-- Pipelines (versioned YAML), schedule fires, runs, task runs, their transitions, backfills.

CREATE TABLE pipeline (
    namespace       text        NOT NULL,
    pipeline_id     text        NOT NULL,
    current_version integer     NOT NULL,
    deleted         boolean     NOT NULL DEFAULT false,
    -- the next cron fire not yet handled; null when the pipeline has no schedule
    next_fire_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, pipeline_id)
);
CREATE INDEX pipeline_next_fire ON pipeline (next_fire_at) WHERE next_fire_at IS NOT NULL AND NOT deleted;

CREATE TABLE pipeline_version (
    namespace   text        NOT NULL,
    pipeline_id text        NOT NULL,
    version     integer     NOT NULL,
    yaml        text        NOT NULL,
    definition  jsonb       NOT NULL,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, pipeline_id, version),
    FOREIGN KEY (namespace, pipeline_id) REFERENCES pipeline (namespace, pipeline_id)
);

CREATE TABLE backfill (
    id           uuid        PRIMARY KEY,
    namespace    text        NOT NULL,
    pipeline_id  text        NOT NULL,
    start_at     timestamptz NOT NULL,
    end_at       timestamptz NOT NULL,
    concurrency  integer     NOT NULL,
    only_missing boolean     NOT NULL,
    state        text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);

CREATE TABLE run (
    id           uuid        PRIMARY KEY,
    namespace    text        NOT NULL,
    pipeline_id  text        NOT NULL,
    version      integer     NOT NULL,
    trigger      text        NOT NULL,
    params       jsonb       NOT NULL DEFAULT '{}',
    logical_date timestamptz,
    backfill_id  uuid REFERENCES backfill (id),
    state        text        NOT NULL,
    error        text,
    failed_task  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    -- the run's SLA / watchdog deadline: past it the run is timed out
    deadline_at  timestamptz,
    FOREIGN KEY (namespace, pipeline_id, version) REFERENCES pipeline_version (namespace, pipeline_id, version)
);
CREATE INDEX run_pipeline ON run (namespace, pipeline_id, created_at DESC);
CREATE INDEX run_active ON run (namespace, pipeline_id, state) WHERE state IN ('queued', 'running');
CREATE INDEX run_deadline ON run (deadline_at) WHERE state = 'running';
CREATE INDEX run_backfill ON run (backfill_id) WHERE backfill_id IS NOT NULL;

-- One row per cron fire of a pipeline: the primary key makes each fire happen once across replicas.
CREATE TABLE schedule_fire (
    namespace   text        NOT NULL,
    pipeline_id text        NOT NULL,
    fire_time   timestamptz NOT NULL,
    run_id      uuid,
    outcome     text        NOT NULL,
    fired_by    text        NOT NULL,
    fired_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, pipeline_id, fire_time)
);

CREATE TABLE task_run (
    id                 uuid        PRIMARY KEY,
    run_id             uuid        NOT NULL REFERENCES run (id),
    task_id            text        NOT NULL,
    type               text        NOT NULL,
    state              text        NOT NULL,
    attempt            integer     NOT NULL DEFAULT 0,
    max_attempts       integer     NOT NULL,
    depends_on         text[]      NOT NULL,
    upstream_remaining integer     NOT NULL,
    worker             text,
    error              text,
    outputs            jsonb,
    rows_written       bigint,
    bytes_written      bigint,
    queued_at          timestamptz,
    started_at         timestamptz,
    heartbeat_at       timestamptz,
    -- the current attempt must end by then
    timeout_at         timestamptz,
    finished_at        timestamptz,
    -- when the watchdog must look at it if no event arrives: retry time, timeout or heartbeat deadline
    due_at             timestamptz,
    UNIQUE (run_id, task_id)
);
CREATE INDEX task_run_due ON task_run (due_at) WHERE due_at IS NOT NULL;

-- Every state change of a run or task run, in order.
CREATE TABLE transition (
    id          bigserial   PRIMARY KEY,
    run_id      uuid        NOT NULL REFERENCES run (id),
    task_run_id uuid,
    from_state  text,
    to_state    text        NOT NULL,
    attempt     integer     NOT NULL DEFAULT 0,
    reason      text,
    at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX transition_run ON transition (run_id, id);
