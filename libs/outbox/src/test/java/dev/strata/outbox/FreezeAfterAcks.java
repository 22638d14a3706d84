package dev.strata.outbox;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A Kafka producer interceptor for {@link RelayProcess}: once the broker has acknowledged {@value #AFTER} records, it
 * prints {@code FROZEN} and blocks the producer's I/O thread for good. The relay is then exactly where a crash hurts
 * most: records are on the topic, their rows are locked in an open transaction and not marked published. The test
 * kills the process there.
 */
public class FreezeAfterAcks implements ProducerInterceptor<String, byte[]> {

    static final String AFTER = "strata.test.freeze-after-acks";

    private final AtomicInteger acknowledged = new AtomicInteger();
    private int after;

    @Override
    public void configure(Map<String, ?> configs) {
        after = Integer.parseInt(String.valueOf(configs.get(AFTER)));
    }

    @Override
    public ProducerRecord<String, byte[]> onSend(ProducerRecord<String, byte[]> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (exception == null && acknowledged.incrementAndGet() == after) {
            System.out.println("FROZEN after " + after + " acknowledged records");
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // stay frozen until killed
                }
            }
        }
    }

    @Override
    public void close() {
    }
}
