package dev.modelserving.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, private PostgreSQL server for the tests: a fresh cluster in a temporary directory, on a free port of
 * 127.0.0.1, made with the machine's PostgreSQL binaries (Debian's {@code postgresql} package; {@code .ci/run} installs
 * it, {@code PG_BIN} may point elsewhere). PostgreSQL refuses to run as root, so under root the server runs as the
 * {@code postgres} user. Durability is switched off: these databases live for one test run.
 */
public final class PostgresServer implements AutoCloseable {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path bin;
    private final Path directory;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path directory, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** One server for the whole test JVM, stopped when it exits. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "postgres-stop"));
        }
        return shared;
    }

    public static PostgresServer start() {
        try {
            Path bin = binaries();
            boolean root = "root".equals(System.getProperty("user.name"));
            Path directory = Files.createTempDirectory("model-serving-pg");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            PostgresServer server = new PostgresServer(bin, directory, port, root);
            if (root) {
                run(List.of("chown", "postgres:", directory.toString()));
            }
            server.runAsServerUser("initdb", "-D", directory.resolve("data").toString(), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--no-sync");
            server.runAsServerUser("pg_ctl", "-D", directory.resolve("data").toString(), "-l",
                    directory.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                    "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off "
                            + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                    "start");
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL could not be started for the tests", e);
        }
    }

    /** A new, empty database on this server; returns its reactive URL. */
    public String newDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        runAsServerUser("createdb", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres", name);
        return url(name);
    }

    public String url(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Runs one SQL statement with psql and returns its unaligned, tuples-only output. */
    public String sql(String url, String statement) {
        String database = url.substring(url.lastIndexOf('/') + 1);
        return runAsServerUser("psql", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres", "-d",
                database, "-v", "ON_ERROR_STOP=1", "-tA", "-c", statement).trim();
    }

    @Override
    public void close() {
        try {
            runAsServerUser("pg_ctl", "-D", directory.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } catch (RuntimeException alreadyStopped) {
            // nothing to stop
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    private String runAsServerUser(String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(Arrays.asList(arguments));
        return run(command);
    }

    /**
     * Runs a server tool and returns what it printed on standard output; standard error is kept apart (a warning there
     * is not data) and only shown when the tool fails. The tools run from "/": as the postgres user they may not be
     * allowed into the test's own working directory (a clone in a private folder), and psql warns then.
     */
    private static String run(List<String> command) {
        Path errors = null;
        try {
            errors = Files.createTempFile("model-serving-pg-tool", ".err");
            Process process = new ProcessBuilder(command).directory(new File("/"))
                    .redirectError(errors.toFile()).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output
                        + Files.readString(errors, StandardCharsets.UTF_8));
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (errors != null) {
                errors.toFile().delete();
            }
        }
    }

    /** {@code PG_BIN}, else the newest /usr/lib/postgresql/N/bin. */
    private static Path binaries() throws IOException {
        String configured = System.getenv("PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString()
                                .replaceAll("\\D", "0"))))
                        .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under "
                                + debian + "; apt-get install postgresql, or set PG_BIN"));
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries not found: apt-get install postgresql, or set "
                + "PG_BIN to the directory of initdb and pg_ctl");
    }
}
