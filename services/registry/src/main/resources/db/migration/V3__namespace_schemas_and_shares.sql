-- ADR 0005: a namespace's tables live in its own schemas, <pg namespace>__<schema>. A warehouse table a producer
-- reported in the old layout (<layer>.<table>) is that schema inside the dataset's namespace now; NULL stays the
-- default mapping, <pg namespace>__<layer>.<name>.
UPDATE dataset
SET warehouse_table = replace(namespace, '-', '_') || '__' || warehouse_table
WHERE warehouse_table IS NOT NULL
  AND position('__' IN split_part(warehouse_table, '.', 1)) = 0;

-- Shares: an admin of the dataset's namespace let another namespace read its warehouse table (SELECT on exactly that
-- table, granted to the reader's Postgres role by the owner's role).
CREATE TABLE dataset_share (
    dataset_id      uuid        NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    reader          text        NOT NULL,
    -- the table the grant was made on, schema.table: a revoke takes back exactly this grant
    warehouse_table text        NOT NULL,
    granted_by      text        NOT NULL,
    granted_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset_id, reader)
);

CREATE INDEX dataset_share_reader ON dataset_share (reader);
