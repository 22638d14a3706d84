-- The catalog: datasets, their declared columns, their versions (schema snapshots) and lineage edges.

CREATE TABLE dataset (
    id          uuid PRIMARY KEY,
    namespace   text        NOT NULL,
    name        text        NOT NULL,
    description text,
    owner       text,
    tags        text[]      NOT NULL DEFAULT '{}',
    layer       text        NOT NULL CHECK (layer IN ('raw', 'bronze', 'silver', 'gold')),
    -- the load spec owned by ingest: source, format, load mode, merge key, contract mode
    source      jsonb,
    format      jsonb,
    load_mode   text        NOT NULL DEFAULT 'replace' CHECK (load_mode IN ('replace', 'append', 'merge')),
    merge_key   text[]      NOT NULL DEFAULT '{}',
    contract    text        NOT NULL DEFAULT 'evolve'
        CHECK (contract IN ('evolve', 'freeze', 'discard_row', 'quarantine')),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dataset_identity UNIQUE (namespace, name)
);

CREATE INDEX dataset_tags ON dataset USING gin (tags);
CREATE INDEX dataset_layer ON dataset (layer);

CREATE TABLE dataset_column (
    dataset_id  uuid    NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    name        text    NOT NULL,
    type        text    NOT NULL,
    description text,
    PRIMARY KEY (dataset_id, position),
    CONSTRAINT dataset_column_name UNIQUE (dataset_id, name)
);

CREATE INDEX dataset_column_by_name ON dataset_column (lower(name));

CREATE TABLE dataset_version (
    id              uuid PRIMARY KEY,
    dataset_id      uuid        NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    number          integer     NOT NULL,
    row_count       bigint      NOT NULL,
    bytes           bigint      NOT NULL,
    load_id         uuid        NOT NULL,
    raw_location    text        NOT NULL,
    produced_by_run uuid,
    -- [{"name": "id", "type": "bigint"}, ...] in table order, as DatasetUpdated.columns carried it
    columns         jsonb       NOT NULL,
    event_id        uuid        NOT NULL,
    producer        text        NOT NULL,
    committed_at    timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dataset_version_number UNIQUE (dataset_id, number)
);

-- Lineage: the upstream edges of a dataset, replaced as a whole by the transform engine. Edges name datasets by
-- identity, so an edge may point at a dataset that is registered later (or was deleted).
CREATE TABLE lineage_edge (
    downstream_namespace text  NOT NULL,
    downstream_name      text  NOT NULL,
    upstream_namespace   text  NOT NULL,
    upstream_name        text  NOT NULL,
    -- [{"from": "upstream column", "to": "downstream column"}, ...]
    columns              jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (downstream_namespace, downstream_name, upstream_namespace, upstream_name)
);

CREATE INDEX lineage_edge_upstream ON lineage_edge (upstream_namespace, upstream_name);
