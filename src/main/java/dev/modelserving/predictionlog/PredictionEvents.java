package dev.modelserving.predictionlog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A prediction log line as a CloudEvents 1.0 event in the Kafka protocol binding's binary mode: the attributes in
 * {@code ce_} headers, the line itself (JSON) as the value, the model's name as the key so that one model's events keep
 * their order within a partition.
 */
final class PredictionEvents {

    static final String TYPE = "dev.modelserving.prediction";

    private final ObjectMapper json;
    private final String topic;
    private final byte[] source;
    // The attributes every event shares, encoded once: the producer only reads header values.
    private final byte[] specVersion = bytes("1.0");
    private final byte[] type = bytes(TYPE);
    private final byte[] contentType = bytes("application/json");

    /** @param source this replica, as {@code /model-serving/<worker-id>} */
    PredictionEvents(ObjectMapper json, String topic, String source) {
        this.json = json;
        this.topic = topic;
        this.source = bytes(source);
    }

    /** One event and the moment its prediction was made, as the line gives it (ISO-8601, UTC). */
    record Event(ProducerRecord<String, byte[]> record, String timestamp) {

        /** The moment as an {@link Instant}, or null when the line has none that parses; only for the lag. */
        Instant time() {
            if (timestamp == null) {
                return null;
            }
            try {
                return Instant.parse(timestamp);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    /** @throws IOException when the line is not a JSON object (a line cut short by a crash while it was written) */
    Event of(byte[] line) throws IOException {
        String id = null;
        String model = null;
        String timestamp = null;
        // Only three top-level fields are needed: a streaming read, not a tree of the whole line.
        try (JsonParser parser = json.getFactory().createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "id" -> id = parser.getValueAsString();
                    case "model" -> model = parser.getValueAsString();
                    case "timestamp" -> timestamp = parser.getValueAsString();
                    default -> parser.skipChildren();
                }
                if (value == null) {
                    throw new IOException("cut short");
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IOException("not a whole JSON object");
            }
        }
        // Lines written before ids existed get one derived from their bytes: sent twice, they still carry one id.
        if (id == null) {
            id = UUID.nameUUIDFromBytes(line).toString();
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", specVersion);
        headers.add("ce_id", bytes(id));
        headers.add("ce_type", type);
        headers.add("ce_source", source);
        if (timestamp != null) {
            // As written: the log's timestamps are ISO-8601 instants in UTC, which RFC 3339 (CloudEvents' time) accepts.
            headers.add("ce_time", bytes(timestamp));
        }
        if (model != null) {
            headers.add("ce_subject", bytes(model));
        }
        headers.add("content-type", contentType);
        return new Event(new ProducerRecord<>(topic, null, model, line, headers), timestamp);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
