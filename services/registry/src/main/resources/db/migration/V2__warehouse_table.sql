-- The warehouse table a producer reported for a dataset (DatasetUpdated.rawLocation = postgresql://warehouse/<schema>.<table>,
-- as the transform engine reports its models). NULL: the default mapping <layer>.<namespace>__<name> (what ingest loads).
ALTER TABLE dataset ADD COLUMN warehouse_table text;
