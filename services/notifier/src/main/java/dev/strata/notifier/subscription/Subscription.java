package dev.strata.notifier.subscription;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Which events of a namespace go to which channel.
 *
 * @param eventTypes run_failed, run_succeeded, sla_missed, data_test_failed, freshness_breached
 * @param pipelineId only this pipeline's run events; null for any
 * @param dataset    only this dataset's quality events; null for any
 */
public record Subscription(UUID id, String namespace, UUID channelId, List<String> eventTypes, String pipelineId,
        String dataset, boolean enabled, String createdBy, Instant createdAt) {
}
