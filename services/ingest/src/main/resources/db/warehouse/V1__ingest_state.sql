-- The ingest worker's state in the warehouse, committed in the same transaction as the loaded rows.

-- One row per committed load: a load id found here is never loaded again.
CREATE TABLE load_ledger (
    load_id      uuid        PRIMARY KEY,
    namespace    text        NOT NULL,
    name         text        NOT NULL,
    result       jsonb       NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now()
);

-- The incremental cursor of JDBC sources: the greatest cursor value loaded so far.
CREATE TABLE cursor_state (
    namespace     text        NOT NULL,
    name          text        NOT NULL,
    cursor_column text        NOT NULL,
    cursor_value  text        NOT NULL,
    load_id       uuid        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, name)
);
