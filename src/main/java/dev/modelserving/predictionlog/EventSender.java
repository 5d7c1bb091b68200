package dev.modelserving.predictionlog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends batches of events and says how many of them, from the first, the broker acknowledged: the shipper records that
 * far and sends the rest again. The producer is idempotent with {@code acks=all}: a retry inside it never writes an
 * event twice, and the events of one partition stay in order.
 */
final class EventSender {

    private static final int LINGER_MS = 5;

    private final KafkaProducer<String, byte[]> producer;

    EventSender(PredictionLogConfig.Kafka config) {
        // The serializers are given as instances, not class names: nothing for native image to reflect on.
        this.producer = new KafkaProducer<>(properties(config), new StringSerializer(), new ByteArraySerializer());
    }

    static Properties properties(PredictionLogConfig.Kafka config) {
        Properties properties = new Properties();
        properties.putAll(config.properties());
        long timeout = Math.max(1000, config.sendTimeout().toMillis());
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers().orElseThrow());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "model-serving-prediction-log");
        // A batch of the shipper (2000 lines of about 550 bytes with their headers, flushed at once) goes out in one or
        // two requests (max.request.size, 1 MiB), not as seventy of 16 KiB: the broker's cost is per request far more
        // than per byte. The producer's buffers stay small (a pod's memory): 256 KiB per partition being filled, 8 MiB
        // in all, beyond which the shipper waits, not a request.
        properties.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        properties.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(8 * 1024 * 1024));
        // One bound for every wait: finding the broker (max.block) and having a batch acknowledged (delivery).
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout));
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout - LINGER_MS));
        properties.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(LINGER_MS));
        return properties;
    }

    /** How a batch went: the first {@code acknowledged} events are stored; {@code failure} says why the rest is not. */
    record Outcome(int acknowledged, Exception failure) {
    }

    Outcome send(List<PredictionEvents.Event> events) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        Exception failure = null;
        for (PredictionEvents.Event event : events) {
            try {
                sent.add(producer.send(event.record()));
            } catch (KafkaException | IllegalStateException e) {
                // Typically the broker's metadata could not be fetched within max.block.ms: the rest waits.
                failure = e;
                break;
            }
        }
        producer.flush();
        int acknowledged = 0;
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
                acknowledged++;
            } catch (ExecutionException e) {
                return new Outcome(acknowledged, e.getCause() instanceof Exception cause ? cause : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(acknowledged, e);
            }
        }
        return new Outcome(acknowledged, failure);
    }

    /** Gives up what is in flight after {@code within}: the position on disk says what to send next time. */
    void close(Duration within) {
        producer.close(within);
    }
}
