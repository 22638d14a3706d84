-- Log lines of task attempts, as workers sent them (TaskLogged on strata.events.tasklog): one row per line, once per
-- (task run, attempt, seq) however often a batch is delivered. Kept for strata.scheduler.logs.retention.
CREATE TABLE task_log (
    task_run_id uuid        NOT NULL REFERENCES task_run (id) ON DELETE CASCADE,
    attempt     integer     NOT NULL,
    seq         bigint      NOT NULL,
    ts          timestamptz NOT NULL,
    level       text        NOT NULL,
    text        text        NOT NULL,
    worker      text,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_run_id, attempt, seq)
);
CREATE INDEX task_log_received ON task_log (received_at);
