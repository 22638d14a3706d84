-- the trace of the request (or event) that created the run: the id a user quotes to find its logs in every service
ALTER TABLE run ADD COLUMN trace_id text;
-- the run this one retries (POST /api/v1/runs/{id}/retry)
ALTER TABLE run ADD COLUMN retry_of uuid REFERENCES run (id);
