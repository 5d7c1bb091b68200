package dev.modelserving.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.PackagedApp;
import dev.modelserving.support.PostgresServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Two packaged replicas, A and B, on one PostgreSQL database: any replica answers for any task, and a replica that is
 * killed or stalls loses nothing — its tasks are rescued by the other once their lease expires, and each order is
 * completed exactly once. Leases are short here (2 s, swept every second) so that the test runs in seconds.
 */
class PostgresReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final String SECRET = "aXQtb25seS1zaWduaW5nLWtleS1vZi0zMi1ieXRlcy1vci1tb3JlIQ==";
    private static final Path FIGURES = Path.of("target", "replicas-figures.txt");
    /** Pictures per order in the slow orders: enough that a worker holds each task for a while. */
    private static final int BIG = 3000;
    /** Pictures of the order cancelled while it runs: long enough that the cancel finds work left to stop. */
    private static final int HUGE = 20_000;

    private static PostgresServer postgres;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<PackagedApp> apps = new ArrayList<>();
    private String database;
    private Path workDir;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @BeforeEach
    void freshDatabase(TestInfo test) throws IOException {
        database = postgres.newDatabase();
        workDir = Path.of("target", "replicas-it", test.getTestMethod().orElseThrow().getName());
        Files.createDirectories(workDir);
    }

    @AfterEach
    void stopApps() {
        apps.forEach(PackagedApp::close);
    }

    private PackagedApp replica(String name, int workers) throws Exception {
        return replica(name, workers, Map.of());
    }

    private PackagedApp replica(String name, int workers, Map<String, String> extra) throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("app.store", "postgres");
        properties.put("quarkus.datasource.reactive.url", database);
        properties.put("quarkus.datasource.username", "postgres");
        properties.put("app.admin.password", PackagedApp.ADMIN_PASSWORD);
        properties.put("app.token.secret", SECRET);
        properties.put("app.tasks.worker-id", name);
        properties.put("app.tasks.workers", String.valueOf(workers));
        properties.put("app.tasks.lease", LEASE.toMillis() + "ms");
        properties.put("app.tasks.sweep-interval", "1s");
        properties.put("app.tasks.poll-interval", "200ms");
        properties.put("app.tasks.retry-backoff", "100ms");
        properties.put("app.orders.max-items", String.valueOf(HUGE));
        properties.put("app.prediction-log.path", "predictions-" + name + ".jsonl");
        properties.put("quarkus.http.limits.max-body-size", "16M");
        properties.putAll(extra);
        PackagedApp app = PackagedApp.startServer(properties, workDir);
        apps.add(app);
        return app;
    }

    private String sql(String statement) {
        return postgres.sql(database, statement);
    }

    private long count(String where) {
        return Long.parseLong(sql("SELECT count(*) FROM tasks WHERE " + where));
    }

    private HttpResponse<String> send(PackagedApp app, String token, HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(PackagedApp app, String token, String path) throws Exception {
        HttpResponse<String> response = send(app, token, HttpRequest.newBuilder(app.uri(path)));
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String orderBody(int pictures) throws IOException {
        List<Map<String, String>> items = new ArrayList<>(pictures);
        List<Fixtures.Fixture> fixtures = Fixtures.all();
        for (int i = 0; i < pictures; i++) {
            items.add(Map.of("image", Base64.getEncoder().encodeToString(fixtures.get(i % fixtures.size()).bytes())));
        }
        return JSON.writeValueAsString(Map.of("items", items));
    }

    /** Submits an asynchronous order and returns its task id. */
    private String submit(PackagedApp app, String token, String body) throws Exception {
        HttpResponse<String> response = send(app, token, HttpRequest.newBuilder(app.uri("/orders"))
                .header("Content-Type", "application/json").header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("id").asText();
    }

    private static void awaitTrue(Duration timeout, String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Every order completed exactly once: COMPLETED, with one product per picture (products are keyed by position). */
    private void assertEveryOrderCompletedOnce(int orders) {
        assertThat(sql("SELECT count(*) FROM orders o WHERE o.status = 'COMPLETED' AND o.total = o.item_count * 100 "
                + "AND o.item_count = (SELECT count(*) FROM products p WHERE p.order_id = o.id)"))
                .isEqualTo(String.valueOf(orders));
        assertThat(sql("SELECT count(*) FROM orders")).isEqualTo(String.valueOf(orders));
        assertThat(count("state IN ('QUEUED', 'RUNNING')")).isZero();
    }

    private static void record(String line) throws IOException {
        Files.createDirectories(FIGURES.getParent());
        Files.writeString(FIGURES, line + System.lineSeparator(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println(line);
    }

    @Test
    void submittedOnAPolledOnBAndAThousandShortTasksEachRunOnce() throws Exception {
        PackagedApp a = replica("A", 2);
        PackagedApp b = replica("B", 2);
        String token = a.adminToken();

        String task = submit(a, token, orderBody(32));
        JsonNode done = get(b, token, "/tasks/" + task + "?wait=20");
        assertThat(done.path("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode order = get(b, token, done.path("result").path("location").asText());
        assertThat(order.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(order.path("products")).hasSize(32);

        String one = orderBody(1);
        int tasks = 1000;
        ExecutorService clients = Executors.newFixedThreadPool(8);
        long started = System.nanoTime();
        List<Future<String>> submitted = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            PackagedApp via = i % 2 == 0 ? a : b;
            submitted.add(clients.submit(() -> submit(via, token, one)));
        }
        for (Future<String> f : submitted) {
            f.get();
        }
        double submitSeconds = (System.nanoTime() - started) / 1e9;
        clients.shutdown();
        awaitTrue(Duration.ofSeconds(120), "all tasks ended", () -> count("state IN ('QUEUED', 'RUNNING')") == 0);
        double allSeconds = (System.nanoTime() - started) / 1e9;

        assertThat(count("state = 'SUCCEEDED' AND attempts = 1")).isEqualTo(tasks + 1);
        assertThat(count("attempts <> 1 OR state <> 'SUCCEEDED'")).isZero();
        assertThat(count("worker = 'A'")).as("A ran some").isPositive();
        assertThat(count("worker = 'B'")).as("B ran some").isPositive();
        assertEveryOrderCompletedOnce(tasks + 1);
        String underLoad = startLatency("TRUE");

        // Claim-to-start on idle replicas: one task at a time, each submitted once the one before has ended.
        List<String> sequential = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String id = submit(i % 2 == 0 ? a : b, token, one);
            sequential.add(id);
            assertThat(get(i % 2 == 0 ? b : a, token, "/tasks/" + id + "?wait=20").path("state").asText())
                    .isEqualTo("SUCCEEDED");
        }
        String idle = startLatency("id IN (" + quoted(String.join(",", sequential)) + ")");
        record(String.format("replicas: %d one-picture async orders via A and B (8 clients): submitted at %.0f "
                + "tasks/s, all SUCCEEDED after %.1f s (%.0f tasks/s end to end); submitted-to-started %s under that "
                + "load; %s for 50 tasks submitted one at a time to idle replicas", tasks, tasks / submitSeconds,
                allSeconds, tasks / allSeconds, underLoad, idle));
    }

    /** Median and 99th percentile of submitted-to-started over the tasks matching {@code where}. */
    private String startLatency(String where) {
        return sql("SELECT round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY "
                + "started_at - submitted_at)))::text || ' ms p50, ' || round(1000 * extract(epoch FROM "
                + "percentile_cont(0.99) WITHIN GROUP (ORDER BY started_at - submitted_at)))::text || ' ms p99' "
                + "FROM tasks WHERE " + where);
    }

    /** Worker replicas A and B, and S, a replica that only accepts requests (no workers). */
    private record Replicas(PackagedApp a, PackagedApp b, PackagedApp s, String token) {
    }

    /**
     * A, B (of {@code workers} workers each) and S, with {@code orders} big orders queued through S while A and B were
     * frozen, so that both have a backlog to claim from when they resume. Returned once A holds {@code workers} running
     * tasks and is frozen again — what A holds is then fixed, whatever the timing.
     */
    private Replicas aFrozenHoldingTasks(int orders, int workers) throws Exception {
        PackagedApp a = replica("A", workers);
        PackagedApp b = replica("B", workers);
        PackagedApp s = replica("S", 0);
        String token = s.adminToken();
        a.signal("STOP");
        b.signal("STOP");
        assertThat(submitInBackground(s, token, orders, 2).get()).hasSize(orders);
        a.signal("CONT");
        b.signal("CONT");
        freezeWhileHolding(a, "A", workers, task -> true);
        return new Replicas(a, b, s, token);
    }

    /**
     * Freezes {@code app} (SIGSTOP) at a moment it holds at least {@code min} running tasks that {@code acceptable}
     * accepts; returns their ids. Between a look at the table and the signal a task may end: then it resumes the
     * replica and tries again.
     */
    private List<String> freezeWhileHolding(PackagedApp app, String worker, int min,
            Predicate<String> acceptable) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            awaitTrue(Duration.ofSeconds(60), worker + " holds " + min + " running task(s)",
                    () -> count("state = 'RUNNING' AND worker = '" + worker + "'") >= min);
            app.signal("STOP");
            String ids = sql("SELECT coalesce(string_agg(id::text, ','), '') FROM tasks WHERE state = 'RUNNING' "
                    + "AND worker = '" + worker + "'");
            List<String> held = ids.isBlank() ? List.of() : List.of(ids.split(","));
            if (held.size() >= min && held.stream().allMatch(acceptable)) {
                System.out.printf("%s frozen holding %s at attempt %d%n", worker, held, attempt + 1);
                return held;
            }
            app.signal("CONT");
        }
        throw new AssertionError(worker + " was never caught holding " + min + " suitable task(s)");
    }

    @Test
    void tasksOfAKilledReplicaAreFinishedByTheOtherExactlyOnce() throws Exception {
        int orders = 12;
        Replicas replicas = aFrozenHoldingTasks(orders, 2);
        String held = String.join(",", sql("SELECT string_agg(id::text, ',') FROM tasks WHERE state = 'RUNNING' "
                + "AND worker = 'A'"));
        replicas.a().kill();
        long killed = System.nanoTime();
        assertThat(held.split(",")).hasSize(2);

        awaitTrue(LEASE.multipliedBy(10).plusSeconds(60), "every task ended through B",
                () -> count("state IN ('QUEUED', 'RUNNING')") == 0);
        double recoveredAt = Double.parseDouble(sql("SELECT extract(epoch FROM max(finished_at)) FROM tasks "
                + "WHERE id IN (" + quoted(held) + ")"));
        double killedAt = Double.parseDouble(sql("SELECT extract(epoch FROM now())"))
                - (System.nanoTime() - killed) / 1e9;
        assertThat(count("state <> 'SUCCEEDED'")).isZero();
        for (String id : held.split(",")) {
            assertThat(sql("SELECT attempts || ' ' || worker FROM tasks WHERE id = '" + id + "'")).isEqualTo("2 B");
        }
        assertThat(count("attempts > 2")).isZero();
        assertEveryOrderCompletedOnce(orders);
        assertThat(recoveredAt - killedAt).as("lease + sweep + the work itself (about a second)")
                .isLessThan(LEASE.toSeconds() + 1 + 6);
        record(String.format("replicas: kill -9 of A holding %d task(s) of %d pictures: B had finished them %.1f s "
                + "after the kill (lease %d s, sweep every 1 s)", held.split(",").length, BIG, recoveredAt - killedAt,
                LEASE.toSeconds()));
    }

    private Future<List<String>> submitInBackground(PackagedApp via, String token, int orders, int clients)
            throws IOException {
        return submitInBackground(via, token, orders, clients, BIG);
    }

    /** Submits {@code orders} orders of {@code pictures} from {@code clients} threads; emits their task ids. */
    private Future<List<String>> submitInBackground(PackagedApp via, String token, int orders, int clients,
            int pictures) throws IOException {
        String body = orderBody(pictures);
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        List<Future<String>> each = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            each.add(pool.submit(() -> submit(via, token, body)));
        }
        Future<List<String>> ids = pool.submit(() -> {
            List<String> tasks = new ArrayList<>();
            for (Future<String> one : each) {
                tasks.add(one.get());
            }
            return tasks;
        });
        pool.shutdown();
        return ids;
    }

    private static String quoted(String ids) {
        return "'" + ids.replace(",", "','") + "'";
    }

    @Test
    void aStalledReplicaThatWakesUpChangesNothing() throws Exception {
        int orders = 6;
        Replicas replicas = aFrozenHoldingTasks(orders, 1);
        PackagedApp a = replicas.a();
        String stalled = sql("SELECT id FROM tasks WHERE state = 'RUNNING' AND worker = 'A'");

        awaitTrue(LEASE.multipliedBy(10).plusSeconds(60), "B re-ran A's task",
                () -> "SUCCEEDED".equals(sql("SELECT state FROM tasks WHERE id = '" + stalled + "'")));
        String before = sql("SELECT t.attempts || ' ' || t.worker || ' ' || t.finished_at || ' ' || (SELECT "
                + "string_agg(p.id::text, ',' ORDER BY p.position) FROM products p JOIN orders o ON o.id = p.order_id "
                + "WHERE o.task_id = t.id) FROM tasks t WHERE t.id = '" + stalled + "'");
        assertThat(before).startsWith("2 B ");

        a.signal("CONT");
        awaitTrue(LEASE.multipliedBy(5), "A noticed it lost the task", () -> {
            try {
                String log = a.output();
                return log.contains("Task " + stalled + " stopped on worker 'A' (lost)")
                        || log.contains("Task " + stalled + " was taken from worker 'A'");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitTrue(Duration.ofSeconds(60), "every task ended", () -> count("state IN ('QUEUED', 'RUNNING')") == 0);
        String after = sql("SELECT t.attempts || ' ' || t.worker || ' ' || t.finished_at || ' ' || (SELECT "
                + "string_agg(p.id::text, ',' ORDER BY p.position) FROM products p JOIN orders o ON o.id = p.order_id "
                + "WHERE o.task_id = t.id) FROM tasks t WHERE t.id = '" + stalled + "'");
        assertThat(after).as("A's heartbeat and completion changed nothing").isEqualTo(before);
        assertThat(count("state <> 'SUCCEEDED'")).isZero();
        assertEveryOrderCompletedOnce(orders);
    }

    @Test
    void aTaskRunningOnAIsCancelledThroughB() throws Exception {
        // A stays frozen from the look at the table until the cancel is in. With the 2 s lease of the other tests a
        // slow machine let B requeue the task in that window, and B, not A, then ended it. This test is about A
        // ending it: a lease A cannot outlast here (the cancel reaches A by notification, not by the heartbeat).
        Map<String, String> longLease = Map.of("app.tasks.lease", "20s");
        PackagedApp a = replica("A", 1, longLease);
        PackagedApp b = replica("B", 0, longLease);
        String token = a.adminToken();
        // A's task is frozen before half of it is done, so that the cancel has work left to stop.
        a.signal("STOP");
        assertThat(submitInBackground(b, token, 3, 1, HUGE).get()).hasSize(3);
        a.signal("CONT");
        String task = freezeWhileHolding(a, "A", 1, id -> Integer.parseInt(sql("SELECT progress_completed FROM tasks "
                + "WHERE id = '" + id + "'")) < HUGE / 2).get(0);

        HttpResponse<String> cancel = send(b, token, HttpRequest.newBuilder(b.uri("/tasks/" + task)).DELETE());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(sql("SELECT state || ' ' || worker FROM tasks WHERE id = '" + task + "'"))
                .as("the cancel found the task still held by A").isEqualTo("RUNNING A");
        a.signal("CONT");
        JsonNode ended = get(b, token, "/tasks/" + task + "?wait=20");
        assertThat(ended.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(ended.path("reason").asText()).isEqualTo("cancelled");
        assertThat(ended.path("progress").path("completed").asInt()).isLessThan(HUGE);
        JsonNode order = get(b, token, ended.path("result").path("location").asText());
        assertThat(order.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.path("products")).isEmpty();
        assertThat(sql("SELECT worker FROM tasks WHERE id = '" + task + "'")).as("A wrote the end").isEqualTo("A");
    }

    @Test
    void retentionEvictsEndedTasksButNeverARunningOne() throws Exception {
        Map<String, String> shortRetention = Map.of("app.tasks.retention", "1s", "app.tasks.janitor-interval", "1s");
        PackagedApp a = replica("A", 1, shortRetention);
        PackagedApp b = replica("B", 0, shortRetention);
        String token = a.adminToken();
        String small = submit(b, token, orderBody(1));
        awaitTrue(Duration.ofSeconds(20), "the small task ended", () -> count("state = 'SUCCEEDED'") == 1);
        String running = submit(b, token, orderBody(HUGE));
        freezeWhileHolding(a, "A", 1, id -> id.equals(running));

        // A holds the task, frozen, while B's janitor runs twice with a retention of one second.
        awaitTrue(Duration.ofSeconds(10), "the ended task was evicted", () -> count("id = '" + small + "'") == 0);
        Thread.sleep(1_500);
        assertThat(count("id = '" + running + "'")).as("the unfinished task is kept").isEqualTo(1);
        assertThat(sql("SELECT count(*) FROM task_inputs WHERE task_id = '" + running + "'")).isEqualTo("1");
        assertThat(sql("SELECT count(*) FROM task_inputs WHERE task_id = '" + small + "'"))
                .as("inputs go with their task").isEqualTo("0");
        a.signal("CONT");
        awaitTrue(Duration.ofSeconds(30), "the big task ended", () -> count("state IN ('QUEUED', 'RUNNING')") == 0);
    }
}
