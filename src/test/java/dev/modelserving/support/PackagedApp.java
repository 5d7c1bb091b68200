package dev.modelserving.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application (the native runner when {@code -Pnative} built one, else the jar) started as a real process,
 * for tests of what only a process has: signals, exit codes, standard output.
 */
public final class PackagedApp implements AutoCloseable {

    /** Give it as {@code app.admin.password} to log in with {@link #adminToken()}. */
    public static final String ADMIN_PASSWORD = "admin-password-it";

    private final Process process;
    private final int port;
    private final Path output;

    private PackagedApp(Process process, int port, Path output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** The command that runs the packaged application with these JVM/system properties and arguments. */
    public static List<String> command(Map<String, String> properties, List<String> args) {
        List<String> command = new ArrayList<>();
        String nativeImage = System.getProperty("native.image.path");
        if (nativeImage != null && Files.isExecutable(Path.of(nativeImage))) {
            command.add(nativeImage);
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-jar");
            command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        }
        command.addAll(args);
        return command;
    }

    /** Starts the server on a free port and waits until readiness is UP. */
    public static PackagedApp startServer(Map<String, String> properties, Path workDir) throws Exception {
        int port = freePort();
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("quarkus.http.port", String.valueOf(port));
        all.putIfAbsent("quarkus.http.host", "127.0.0.1");
        Files.createDirectories(workDir);
        Path output = workDir.resolve("app-" + port + ".log");
        Process process = new ProcessBuilder(command(all, List.of()))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        PackagedApp app = new PackagedApp(process, port, output);
        app.awaitReady(Duration.ofSeconds(60));
        return app;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue() + ":\n"
                        + Files.readString(output));
            }
            try {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("the application was not ready within " + timeout);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A bearer token of the administrator (started with {@link #ADMIN_PASSWORD}). */
    public String adminToken() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/auth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body()).path("access_token")
                .asText();
    }

    public int port() {
        return port;
    }

    /** Sends SIGTERM and waits for the process to end; returns its exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        signalTerm();
        return awaitExit(timeout);
    }

    /** Sends SIGTERM (what Kubernetes sends) without waiting. */
    public void signalTerm() {
        process.destroy();
    }

    /** Waits for the process to end; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the application did not stop within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL (kill -9): the process gets no chance to clean up. Waits until it is gone. */
    public void kill() throws InterruptedException {
        signal("KILL");
        process.waitFor();
    }

    /** Sends a signal by name, e.g. {@code STOP} and {@code CONT} to freeze and resume the process. */
    public void signal(String name) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("kill could not run", e);
        }
    }

    public String output() throws IOException {
        return Files.readString(output);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT"); // a stopped process cannot die of SIGKILL until it runs again on some systems
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IllegalStateException gone) {
                // already gone
            }
            process.destroyForcibly();
        }
    }
}
