package dev.strata.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes sure the topics a service uses exist, so that the platform runs on a broker that does not create topics on
 * first use (the usual production setting, e.g. Strimzi with {@code auto.create.topics.enable=false}). Creates only
 * what is missing, with the given partitions and replication factor (empty: the broker's defaults); a topic another
 * replica created a moment earlier counts as there.
 */
public final class TopicBootstrap {

    private TopicBootstrap() {
    }

    /**
     * Creates the topics of {@code topics} the cluster does not have.
     *
     * @return the topics this call created (empty when all were there)
     */
    public static List<String> ensure(Admin admin, Collection<String> topics, Optional<Integer> partitions,
            Optional<Short> replicationFactor, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis())).names()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing = topics.stream().distinct().filter(t -> !existing.contains(t))
                .map(t -> new NewTopic(t, partitions, replicationFactor)).toList();
        if (missing.isEmpty()) {
            return List.of();
        }
        List<String> created = new ArrayList<>();
        var results = admin.createTopics(missing, new CreateTopicsOptions().timeoutMs((int) timeout.toMillis()))
                .values();
        for (NewTopic topic : missing) {
            try {
                results.get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }
}
