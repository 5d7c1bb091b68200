package dev.modelserving.predictionlog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the shipping tests share: making predictions, reading the log's lines, reading the events by id. */
final class ShippingFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShippingFixture() {
    }

    /** Makes {@code count} predictions from 4 clients; returns each answer's time in milliseconds. */
    static List<Long> predict(String token, int count) throws Exception {
        List<Fixtures.Fixture> fixtures = Fixtures.all();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] picture = fixtures.get(i % fixtures.size()).bytes();
                answers.add(clients.submit(() -> {
                    long started = System.nanoTime();
                    int status = given().auth().oauth2(token).contentType("image/png").body(picture)
                            .post("/predictions").statusCode();
                    assertThat(status).isEqualTo(200);
                    return (System.nanoTime() - started) / 1_000_000;
                }));
            }
            List<Long> times = new ArrayList<>();
            for (Future<Long> answer : answers) {
                times.add(answer.get());
            }
            return times;
        } finally {
            clients.shutdown();
        }
    }

    /** Every line of the log's files, by id (in the order written). */
    static Map<String, String> lines(Path dir) throws IOException {
        Map<String, String> lines = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "predictions*.jsonl")) {
                entries.forEach(files::add);
            }
        }
        files.sort(null);
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                String previous = lines.put(JSON.readTree(line).path("id").asText(), line);
                assertThat(previous).as("one line per id").isNull();
            }
        }
        return lines;
    }

    /** The events by their {@code ce_id}; an id seen twice fails. */
    static Map<String, ConsumerRecord<String, byte[]>> byId(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, ConsumerRecord<String, byte[]>> events = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String id = header(record, "ce_id");
            assertThat(events.put(id, record)).as("event %s delivered twice", id).isNull();
        }
        return events;
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    /** A metric's value from /q/metrics. */
    static double metric(String name) {
        String text = given().get("/q/metrics").asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + name + " in /q/metrics");
    }
}
