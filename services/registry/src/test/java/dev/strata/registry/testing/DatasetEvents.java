package dev.strata.registry.testing;

import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.strata.devstack.DevStack;
import dev.strata.events.DatasetColumn;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.Topics;

/** Publishes {@code DatasetUpdated} events on the real Kafka topic, as ingest's outbox relay does. */
public final class DatasetEvents implements AutoCloseable {

    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<String, byte[]> producer;

    public DatasetEvents(DevStack stack) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public static EventEnvelope<DatasetUpdated> event(String namespace, String name, long rows,
            List<DatasetColumn> columns) {
        UUID loadId = UUID.randomUUID();
        return EventEnvelope.of("/strata/ingest", namespace + "." + name, new DatasetUpdated(namespace, name,
                UUID.randomUUID(), rows, rows * 100, loadId, "s3://strata-lake/raw/" + namespace + "/" + name + "/"
                        + loadId + "/",
                UUID.randomUUID(), columns));
    }

    /** Sends the envelope and waits until Kafka acknowledged it. */
    public void publish(EventEnvelope<DatasetUpdated> envelope) {
        try {
            producer.send(new ProducerRecord<>(Topics.DATASET_EVENTS, envelope.partitionKey(), codec.encode(
                    envelope))).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Kafka did not take the event: " + e.getMessage(), e);
        }
    }

    /** Sends raw bytes (e.g. a malformed record) to the topic. */
    public void publishRaw(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.DATASET_EVENTS, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Kafka did not take the record: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
