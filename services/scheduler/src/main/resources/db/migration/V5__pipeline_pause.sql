-- Paused pipelines (issue 18): while paused_at is set, neither the cron firer nor data triggers nor the webhook start
-- runs; a person may still trigger one by hand. Resuming moves next_fire_at past now (fires missed while paused are
-- not caught up; a backfill runs them).
ALTER TABLE pipeline ADD COLUMN paused_at timestamptz;
ALTER TABLE pipeline ADD COLUMN paused_by text;

DROP INDEX pipeline_next_fire;
CREATE INDEX pipeline_next_fire ON pipeline (next_fire_at)
    WHERE next_fire_at IS NOT NULL AND NOT deleted AND paused_at IS NULL;
