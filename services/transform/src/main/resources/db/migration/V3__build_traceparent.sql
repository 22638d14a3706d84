-- The W3C trace context of the request that queued a build: the worker resumes it, so the build's events and log
-- lines name the same trace as the request (REST or TransformRequested) that started it.
alter table build add column traceparent text;
