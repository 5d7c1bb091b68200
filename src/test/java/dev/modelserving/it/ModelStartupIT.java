package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.PackagedApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the packaged application does when its model cannot be loaded. */
class ModelStartupIT {

    @Test
    void aModelThatCannotBeLoadedStopsTheStartWithANonZeroExit() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "failfast-").toAbsolutePath();
        Path log = work.resolve("app.log");
        Process process = new ProcessBuilder(PackagedApp.command(Map.of(
                "quarkus.http.port", String.valueOf(PackagedApp.freePort()),
                "app.model.path", work.resolve("missing.onnx").toString(),
                "app.model.labels-path", work.resolve("labels.json").toString()), List.of()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the start gives up").isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("Model 'fashion-mnist' could not be loaded")
                .contains("missing.onnx").contains("app.model.fail-fast=true");
    }

    @Test
    void aWrongChecksumIsRefused() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "checksum-").toAbsolutePath();
        Path log = work.resolve("app.log");
        Process process = new ProcessBuilder(PackagedApp.command(Map.of(
                "quarkus.http.port", String.valueOf(PackagedApp.freePort()),
                "app.model.sha256", "0".repeat(64)), List.of()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("sha256 of the bundled model is").contains("expected 0000");
    }

    @Test
    void withoutFailFastItServesWithReadinessDownAndSaysWhy() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "degraded-").toAbsolutePath();
        int port = PackagedApp.freePort();
        Process process = new ProcessBuilder(PackagedApp.command(Map.of(
                "quarkus.http.port", String.valueOf(port),
                "quarkus.http.host", "127.0.0.1",
                "app.model.fail-fast", "false",
                "app.model.path", work.resolve("missing.onnx").toString(),
                "app.model.labels-path", work.resolve("labels.json").toString()), List.of()))
                .redirectErrorStream(true).redirectOutput(work.resolve("app.log").toFile()).start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> live = null;
            for (int i = 0; i < 600 && live == null; i++) {
                try {
                    live = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/q/health/live")).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(live).as("the server came up").isNotNull();
            assertThat(live.statusCode()).isEqualTo(200);
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"model\"").contains("DOWN").contains("missing.onnx");
            HttpResponse<String> model = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/model")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(model.statusCode()).isEqualTo(503);
            assertThat(model.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
