package dev.modelserving.predictionlog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Predictions made concurrently while the log rotates every few lines: each one is a whole line with its own id. */
@QuarkusTest
@TestProfile(PredictionLogRotationTest.SmallFiles.class)
class PredictionLogRotationTest {

    static final Path DIR = Path.of("target", "rotation-log");

    public static class SmallFiles implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.prediction-log.path", DIR.resolve("predictions.jsonl").toString(),
                    "app.prediction-log.max-file-size", "2K", "app.prediction-log.max-files", "1000",
                    "app.prediction-log.buffer-size", "7");
        }
    }

    @Inject
    PredictionLog log;

    @Inject
    ObjectMapper json;

    @Test
    void concurrentPredictionsBecomeAsManyWholeLinesWithDistinctIds() throws Exception {
        log.flush();
        Set<String> before = ids();
        String token = Api.newUserToken();
        byte[] picture = Fixtures.first().bytes();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            answers.add(clients.submit(() -> given().auth().oauth2(token).contentType("image/png").body(picture)
                    .post("/predictions").statusCode()));
        }
        for (Future<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(200);
        }
        clients.shutdown();
        log.flush();

        Set<String> after = ids();
        after.removeAll(before);
        assertThat(after).hasSize(80);
        assertThat(files()).hasSizeGreaterThan(5);

        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).containsPattern("(?m)^prediction_log_files(\\{[^}]*\\})? " + files().size() + "\\.0$");
        long bytes = 0;
        for (Path file : files()) {
            bytes += Files.size(file);
        }
        assertThat(metrics).containsPattern("(?m)^prediction_log_bytes(\\{[^}]*\\})? " + (double) bytes + "$");
    }

    private List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(DIR, "predictions*.jsonl")) {
            entries.forEach(files::add);
        }
        return files;
    }

    /** Every line's id across the files; each line must parse whole and carry a UUID. */
    private Set<String> ids() throws IOException {
        Set<String> ids = new HashSet<>();
        if (!Files.isDirectory(DIR)) {
            return ids;
        }
        int lines = 0;
        for (Path file : files()) {
            for (String line : Files.readAllLines(file)) {
                JsonNode record = json.readTree(line);
                ids.add(UUID.fromString(record.path("id").asText()).toString());
                lines++;
            }
        }
        assertThat(ids).as("ids are unique").hasSize(lines);
        return ids;
    }
}
