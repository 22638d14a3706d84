-- The W3C trace context of the request that queued a load: the worker resumes it, so the load's events and log
-- lines name the same trace as the gateway request that started it.
ALTER TABLE load_run ADD COLUMN traceparent text;
