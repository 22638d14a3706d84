-- The catalog search (GET /api/v1/datasets?q=...) matches '%q%' anywhere in a dataset's qualified name or in one of
-- its column names. Trigram GIN indexes answer such a LIKE from the index (terms of 3 characters or more) instead of
-- testing every dataset and every column name (10,000 datasets, 40,000 columns). pg_trgm is a trusted extension:
-- the registry's database role needs CREATE on its database, or an operator runs
--     CREATE EXTENSION pg_trgm;
-- once in this database before the registry starts (then the statement below does nothing).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA ${flyway:defaultSchema};

-- the operator class is taken from wherever the extension lives (this schema, or one an operator chose)
DO $$
DECLARE
    trgm text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'pg_trgm');
BEGIN
    EXECUTE format('CREATE INDEX dataset_search ON dataset USING gin '
                   '(lower(namespace || ''.'' || name) %I.gin_trgm_ops)', trgm);
    EXECUTE format('CREATE INDEX dataset_column_search ON dataset_column USING gin (lower(name) %I.gin_trgm_ops)',
                   trgm);
END
$$;
