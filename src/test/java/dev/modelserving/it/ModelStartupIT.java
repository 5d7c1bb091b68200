package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.OnnxModels;
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

/** What the packaged application does when its default model cannot be loaded. */
class ModelStartupIT {

    @Test
    void aModelThatCannotBeLoadedStopsTheStartWithANonZeroExit() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "failfast-").toAbsolutePath();
        Path repository = work.resolve("models");
        Files.createDirectories(repository.resolve("shirts").resolve("1"));
        Path log = work.resolve("app.log");
        Process process = new ProcessBuilder(PackagedApp.command(Map.of(
                "quarkus.http.port", String.valueOf(PackagedApp.freePort()),
                "app.models.repository", repository.toString()), List.of()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the start gives up").isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("Model 'shirts' could not be loaded")
                .contains(repository.resolve("shirts/1/model.onnx") + " is missing")
                .contains("app.model.fail-fast=true");
    }

    @Test
    void aWrongChecksumBesideTheModelIsRefused() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "checksum-").toAbsolutePath();
        Path repository = work.resolve("models");
        Path version = OnnxModels.writeModel(repository, "tabular", 1,
                OnnxModels.linear(new float[][]{{1, 0}, {0, 1}}, new float[]{0, 0}), null);
        Files.writeString(version.resolve("model.sha256"), "0".repeat(64) + "  model.onnx\n");
        Path log = work.resolve("app.log");
        Process process = new ProcessBuilder(PackagedApp.command(Map.of(
                "quarkus.http.port", String.valueOf(PackagedApp.freePort()),
                "app.models.repository", repository.toString()), List.of()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("sha256 of " + version.resolve("model.onnx") + " is")
                .contains("model.sha256 beside it says 0000");
    }

    @Test
    void theSingleModelKeysOfEarlierVersionsStopTheStartNamingTheRepository() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "removed-").toAbsolutePath();
        Path log = work.resolve("app.log");
        Process process = new ProcessBuilder(PackagedApp.command(Map.of(
                "quarkus.http.port", String.valueOf(PackagedApp.freePort()),
                "app.model.path", work.resolve("model.onnx").toString()), List.of()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("app.model.path is no longer read")
                .contains("app.models.repository");
    }

    @Test
    void withoutFailFastItServesWithReadinessDownAndSaysWhy() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "degraded-").toAbsolutePath();
        Path repository = work.resolve("models");
        Path version = OnnxModels.writeModel(repository, "shirts", 1, "not an ONNX file".getBytes(), null);
        int port = PackagedApp.freePort();
        Process process = new ProcessBuilder(PackagedApp.command(Map.of(
                "quarkus.http.port", String.valueOf(port),
                "quarkus.http.host", "127.0.0.1",
                "app.model.fail-fast", "false",
                "app.models.repository", repository.toString()), List.of()))
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
            assertThat(ready.body()).contains("\"model\"").contains("DOWN")
                    .contains(version.resolve("model.onnx") + " cannot be served");
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
