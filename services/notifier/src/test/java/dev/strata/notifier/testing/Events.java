package dev.strata.notifier.testing;

import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.StrataEvent;
import dev.strata.events.Topics;

/** Publishes events on the real Kafka of the dev stack, as the scheduler and transform do. */
public final class Events implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    public Events(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public void publish(EventEnvelope<? extends StrataEvent> envelope) {
        try {
            producer.send(new ProducerRecord<>(Topics.forEvent(envelope.data()), envelope.partitionKey(),
                    codec.encode(envelope))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        } catch (ExecutionException e) {
            throw new AssertionError("Kafka refused the event: " + e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
