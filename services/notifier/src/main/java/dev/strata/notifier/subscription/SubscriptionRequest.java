package dev.strata.notifier.subscription;

import java.util.List;
import java.util.UUID;

/**
 * A subscription to create or replace.
 *
 * @param namespace  whose events (cannot change)
 * @param channelId  a channel of the same namespace
 * @param eventTypes one or more of run_failed, run_succeeded, sla_missed, data_test_failed, freshness_breached
 * @param pipelineId only this pipeline (run events); omit for any
 * @param dataset    only this dataset (quality events); omit for any
 * @param enabled    default true
 */
public record SubscriptionRequest(String namespace, UUID channelId, List<String> eventTypes, String pipelineId,
        String dataset, Boolean enabled) {
}
