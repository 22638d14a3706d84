package dev.strata.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/** The platform's topics are made when missing, on a real broker, and topics already there are left as they are. */
class TopicBootstrapTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void createsOnlyTheMissingTopicsWithTheGivenPartitions() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String existing = "bootstrap.existing." + suffix;
        String missing = "bootstrap.missing." + suffix;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestStack.get().kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(existing, 1, (short) 1))).all().get();

            List<String> created = TopicBootstrap.ensure(admin, List.of(existing, missing, missing), Optional.of(2),
                    Optional.empty(), TIMEOUT);
            List<String> again = TopicBootstrap.ensure(admin, List.of(existing, missing), Optional.of(2),
                    Optional.empty(), TIMEOUT);

            assertEquals(List.of(missing), created);
            assertEquals(List.of(), again, "a second start creates nothing");
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(existing, missing)).allTopicNames()
                    .get();
            assertEquals(2, topics.get(missing).partitions().size());
            assertEquals(1, topics.get(existing).partitions().size(), "an existing topic is left as it is");
        }
    }
}
