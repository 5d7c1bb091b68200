package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelserving.support.PackagedApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache as the image makes and uses it: docker/aot-training.sh trains it on a copy of the packaged application
 * (failing on any unexpected answer), the application starts with it and the JVM reports it in use, and a damaged cache
 * costs speed, never the start. Needs a JDK 25: the one running the build, or the java named in {@code AOT_JAVA}
 * (.ci/run names one when the machine has it).
 */
class AotCacheIT {

    private static final Path OPTIONS = Path.of("docker", "jvm.options").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void trainedStartsWithTheCacheAndADamagedCacheOnlyCostsSpeed() throws Exception {
        String java = jdk25();
        assumeTrue(java != null, "no JDK 25: run the build on one, or name its java in AOT_JAVA");
        Path app = work.resolve("quarkus-app");
        copy(Path.of("target", "quarkus-app"), app);

        ProcessBuilder training = new ProcessBuilder("sh", Path.of("docker", "aot-training.sh").toString(),
                app.toString(), "@" + OPTIONS).redirectErrorStream(true)
                .redirectOutput(work.resolve("training.log").toFile());
        training.environment().put("JAVA", java);
        training.environment().put("TRAINING_ROUNDS", "2");
        training.environment().put("TRAINING_PORT", String.valueOf(PackagedApp.freePort()));
        Process trained = training.start();
        assertThat(trained.waitFor(5, TimeUnit.MINUTES)).as("training finished").isTrue();
        String log = Files.readString(work.resolve("training.log"));
        assertThat(trained.exitValue()).as(log).isZero();
        assertThat(Files.size(app.resolve("app.aot"))).isGreaterThan(1_000_000);

        assertThat(startWithCache(java, app, "with-cache")).contains("Opened AOT cache app.aot")
                .doesNotContain("Loading static archive failed");

        byte[] cache = Files.readAllBytes(app.resolve("app.aot"));
        Files.write(app.resolve("app.aot"), Arrays.copyOf(cache, cache.length / 10));
        assertThat(startWithCache(java, app, "damaged")).contains("Loading static archive failed");
    }

    /** Starts the application as the image's entrypoint does, waits for readiness, stops it; its output. */
    private String startWithCache(String java, Path app, String name) throws Exception {
        int port = PackagedApp.freePort();
        Path output = work.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(java, "@" + OPTIONS, "-XX:AOTCache=app.aot", "-Xlog:aot",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dapp.prediction-log.path=" + work.resolve("predictions.jsonl"), "-Dquarkus.shutdown.delay=0s",
                "-jar", "quarkus-run.jar"));
        Process process = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                assertThat(process.isAlive()).as(Files.readString(output)).isTrue();
                assertThat(System.nanoTime()).as("ready within 120 s").isLessThan(deadline);
                try {
                    if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notListening) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** A java that writes AOT caches in one run (JDK 25+): AOT_JAVA, else this one; null when neither does. */
    private static String jdk25() throws Exception {
        String named = System.getenv("AOT_JAVA");
        if (named != null && !named.isBlank()) {
            assertThat(writesAotCaches(named)).as("AOT_JAVA=" + named + " is a JDK 25 or later").isTrue();
            return named;
        }
        String self = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return writesAotCaches(self) ? self : null;
    }

    private static boolean writesAotCaches(String java) throws Exception {
        Process flags = new ProcessBuilder(java, "-XX:+PrintFlagsFinal", "-version").redirectErrorStream(true).start();
        String out = new String(flags.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        flags.waitFor();
        return out.contains("AOTCacheOutput");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().startsWith("app.aot")) {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
