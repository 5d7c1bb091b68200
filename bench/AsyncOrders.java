import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Background throughput as a client with kept-alive connections sees it: a round submits N orders (a prepared JSON
 * body) with Prefer: respond-async, at most C in flight, then long-polls every task until it ends. Rounds are
 * repeated untimed for W seconds first, to warm the service's order path and this client up (as wrk's warm-up does
 * for the HTTP scenarios: in a cold process the JIT compilers take half of the two cores for several seconds); then
 * R timed rounds each print "seconds accepted succeeded peak_queue". The queue depth is read from /q/metrics every
 * 100 ms (a scrape costs the service a few milliseconds of CPU; every 20 ms it took a noticeable share of the two
 * cores). Run by bench/run.sh:
 *   java bench/AsyncOrders.java BASE_URL TOKEN BODY_FILE N C [R [W]]
 */
public class AsyncOrders {

    private static final Pattern TASK_ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern STATE = Pattern.compile("\"state\":\"([A-Z]+)\"");
    private static final Pattern QUEUED = Pattern.compile("(?m)^tasks_queued (\\S+)");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = args[1];
        byte[] body = Files.readAllBytes(Path.of(args[2]));
        int orders = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        AtomicInteger peak = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    Matcher m = QUEUED.matcher(metrics);
                    if (m.find()) {
                        peak.accumulateAndGet((int) Double.parseDouble(m.group(1)), Math::max);
                    }
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // keep sampling
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();

        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        long warmUpEnds = System.nanoTime() + (long) ((args.length > 6 ? Double.parseDouble(args[6]) : 0) * 1e9);
        while (System.nanoTime() < warmUpEnds) {
            round(client, base, token, body, orders, concurrency);
        }
        for (int round = 0; round < rounds; round++) {
            peak.set(0);
            long started = System.nanoTime();
            int[] counts = round(client, base, token, body, orders, concurrency);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "%.3f %d %d %d%n", seconds, counts[0], counts[1], peak.get());
        }
        sampler.interrupt();
    }

    /** One round: submit, then wait for every task; returns {accepted, succeeded}. */
    private static int[] round(HttpClient client, String base, String token, byte[] body, int orders,
            int concurrency) throws Exception {
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<String>> submissions = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            inFlight.acquire();
            HttpRequest submit = HttpRequest.newBuilder(URI.create(base + "/orders"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Prefer", "respond-async").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            submissions.add(client.sendAsync(submit, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release())
                    .thenApply(r -> r.statusCode() == 202 ? taskId(r.body()) : null));
        }
        List<String> tasks = new ArrayList<>();
        for (CompletableFuture<String> submission : submissions) {
            String id = submission.join();
            if (id != null) {
                tasks.add(id);
            }
        }
        int succeeded = 0;
        for (String id : tasks) {
            String state = "";
            while (!state.equals("SUCCEEDED") && !state.equals("FAILED") && !state.equals("CANCELLED")) {
                String task = client.send(HttpRequest.newBuilder(URI.create(base + "/tasks/" + id + "?wait=10"))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = STATE.matcher(task);
                state = m.find() ? m.group(1) : "FAILED";
            }
            if (state.equals("SUCCEEDED")) {
                succeeded++;
            }
        }
        return new int[] {tasks.size(), succeeded};
    }

    private static String taskId(String body) {
        Matcher m = TASK_ID.matcher(body);
        return m.find() ? m.group(1) : null;
    }
}
