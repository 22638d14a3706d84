-- Deliveries a pipeline asks for by channel name (NotificationRequested: a notify task, a pipeline's notification
-- rule) belong to no subscription: one per (event, channel).
ALTER TABLE delivery ALTER COLUMN subscription_id DROP NOT NULL;
CREATE UNIQUE INDEX delivery_direct_once ON delivery (event_id, channel_id) WHERE subscription_id IS NULL;
