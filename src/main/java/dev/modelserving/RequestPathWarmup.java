package dev.modelserving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.inference.BatchedInference;
import dev.modelserving.inference.ImagePreprocessor;
import dev.modelserving.inference.Prediction;
import dev.modelserving.inference.RowBatcher;
import dev.modelserving.model.Classifier;
import dev.modelserving.model.ImageFormat;
import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.ModelLease;
import dev.modelserving.model.ServedModels;
import dev.modelserving.model.Tensor;
import dev.modelserving.predictionlog.PredictionRecord;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Runs the request paths before readiness goes UP, so that the first requests a new replica gets are not the slow ones.
 * Loading the model warms ONNX Runtime only; a cold replica answered its first picture in about 50 times the time of
 * its hundredth, nearly all of it in code met for the first time: HTTP routing, security, problem and JSON writing,
 * picture decoding, the batching runners.
 *
 * <p>
 * Once the HTTP server listens, every round decodes and preprocesses three generated pictures (PNG and JPEG, small and
 * large), classifies them through the batching runners and writes the answer and its prediction-log line as JSON, in
 * process (the line is not logged); and sends loopback requests that change nothing: the model's metadata (REST and V2)
 * and, without credentials, a picture, a V2 inference request, an order and {@code /users/me}, and a picture with a
 * forged token and a V2 inference request with one, all answered 401. Nothing is written to the prediction log; the
 * loopback requests are counted in the HTTP metrics and the access log (user agent {@value #USER_AGENT}), the model
 * runs in the batch metrics.
 */
@ApplicationScoped
public class RequestPathWarmup {

    static final String USER_AGENT = "model-serving-warm-up";
    private static final Logger LOG = Logger.getLogger(RequestPathWarmup.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** What the warm-up did, for the readiness check. */
    public record Outcome(String summary, long millis) {
    }

    private final WarmupConfig config;
    private final ServedModels served;
    private final ImagePreprocessor preprocessor;
    private final BatchedInference inference;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Outcome outcome;

    public RequestPathWarmup(WarmupConfig config, ServedModels served, ImagePreprocessor preprocessor,
            BatchedInference inference, ObjectMapper json, Vertx vertx) {
        this.config = config;
        this.served = served;
        this.preprocessor = preprocessor;
        this.inference = inference;
        this.json = json;
        this.vertx = vertx;
        if (!config.enabled()) {
            outcome = new Outcome("disabled (app.warmup.enabled=false)", 0);
        }
    }

    /** The warm-up's result; null while it runs. */
    public Outcome outcome() {
        return outcome;
    }

    /** Fired once per event loop when the HTTP server listens, on a worker thread: the first event runs the warm-up. */
    void onServerStart(@ObservesAsync HttpServerStart event) {
        if (outcome != null || !started.compareAndSet(false, true)) {
            return;
        }
        long begin = System.nanoTime();
        String summary;
        try {
            summary = run(loopback(event.options().getHost()), port(event), begin + config.timeout().toNanos());
        } catch (RuntimeException e) {
            summary = "stopped early: " + e.getMessage();
            LOG.warnf(e, "The request-path warm-up stopped early; the first requests may be slower");
        }
        long millis = (System.nanoTime() - begin) / 1_000_000;
        outcome = new Outcome(summary, millis);
        LOG.infof("Request paths warmed up in %d ms: %s", millis, summary);
    }

    private String run(String host, int port, long deadline) {
        Optional<LoadedModel> model = served.current();
        String name = model.map(m -> m.metadata().name()).orElse("");
        List<byte[]> pictures = List.of(picture("png", 28, 28), picture("jpeg", 640, 480), picture("png", 300, 200));
        Buffer picture = Buffer.buffer(pictures.get(0));
        Buffer v2Request = Buffer.buffer(v2Request(model));
        Buffer order = Buffer.buffer("{\"items\":[]}");
        String forged = "Bearer " + forgedToken();
        // Vert.x's client, over the event loops the server already runs: no second HTTP stack (and TLS setup) to
        // start for requests that never leave the machine.
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
                .setConnectTimeout(5000).setMaxPoolSize(1));
        List<String> unexpected = new ArrayList<>();
        int rounds = 0;
        try {
            while (rounds < config.rounds() && System.nanoTime() < deadline) {
                if (model.isPresent() && model.get().image().isPresent() && !model.get().labels().isEmpty()) {
                    classify(model.get().image().get(), pictures);
                }
                send(client, unexpected, 200, HttpMethod.GET, "/model", null, null, null);
                send(client, unexpected, 200, HttpMethod.GET, "/v2/models/" + name, null, null, null);
                send(client, unexpected, 401, HttpMethod.POST, "/predictions", "image/png", picture, null);
                send(client, unexpected, 401, HttpMethod.POST, "/v2/models/" + name + "/infer", "application/json",
                        v2Request, null);
                send(client, unexpected, 401, HttpMethod.POST, "/orders", "application/json", order, null);
                send(client, unexpected, 401, HttpMethod.GET, "/users/me", null, null, null);
                send(client, unexpected, 401, HttpMethod.POST, "/predictions", "image/png", picture, forged);
                // Past the token check of the V2 inference route (which leaves a request with a bad one to REST).
                send(client, unexpected, 401, HttpMethod.POST, "/v2/models/" + name + "/infer", "application/json",
                        v2Request, forged);
                rounds++;
            }
        } finally {
            client.close();
        }
        String summary = rounds + " rounds" + (model.isEmpty() ? " without the model (not loaded)" : "");
        return unexpected.isEmpty() ? summary : summary + "; unexpected answers: " + unexpected;
    }

    /** Each picture classified with the default model, held (a hot swap waits for it to be done) picture by picture. */
    private void classify(ImageFormat format, List<byte[]> pictures) {
        for (byte[] picture : pictures) {
            try (ModelLease lease = served.lease(null, null)) {
                classify(lease.model(), format, picture);
            }
        }
    }

    /** Decodes, preprocesses and classifies one picture through the runners, and writes the answer as JSON. */
    private void classify(LoadedModel model, ImageFormat format, byte[] picture) {
        Classifier classifier = model.requireClassifier();
        Map<String, Tensor> inputs = classifier.inputs(preprocessor.toPixels(picture, format), 1);
        float[] scores = inference.run(model, () -> new RowBatcher.Work<>(inputs, 1, model.session().batchKey(inputs),
                outputs -> classifier.scores(outputs)[0])).await().atMost(config.timeout());
        Prediction answer = Prediction.from(model.probabilities(scores), model.labels(),
                new Prediction.ModelRef(model.metadata().name(), model.metadata().version()));
        // The answer and the prediction-log line as requests write them; the line is not appended.
        PredictionRecord line = new PredictionRecord(PredictionRecord.newId(), Instant.now(), "warm-up", "warm-up",
                model.metadata().name(), model.metadata().version(), answer.label(), answer.confidence(), 0, null);
        try {
            json.writeValueAsBytes(answer);
            json.writeValueAsString(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One loopback request, waited for; an answer other than {@code expected} is noted, a failure ends the run. */
    private static void send(HttpClient client, List<String> unexpected, int expected, HttpMethod method, String path,
            String type, Buffer body, String authorization) {
        Future<Integer> status = client.request(method, path).compose(request -> {
            request.putHeader("User-Agent", USER_AGENT).putHeader("Accept", "application/json");
            if (type != null) {
                request.putHeader("Content-Type", type);
            }
            if (authorization != null) {
                request.putHeader("Authorization", authorization);
            }
            return (body == null ? request.send() : request.send(body))
                    .compose(response -> response.body().map(ignored -> response.statusCode()));
        });
        try {
            int got = status.toCompletionStage().toCompletableFuture().get(REQUEST_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
            if (got != expected && unexpected.size() < 10) {
                unexpected.add(method + " " + path + " " + got);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("loopback request " + method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A well-formed HS256 token with a random signature: it goes through parsing and signature checking like a real one
     * and is refused (401). A token this class could sign would be a credential; this one proves nothing.
     */
    private static String forgedToken() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        byte[] signature = new byte[32];
        new SecureRandom().nextBytes(signature);
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"model-serving-warm-up\",\"sub\":\"warm-up\",\"iat\":" + now + ",\"exp\":"
                + (now + 60) + "}";
        return base64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(signature);
    }

    private static byte[] v2Request(Optional<LoadedModel> model) {
        Optional<Classifier> classifier = model.flatMap(LoadedModel::classifier);
        int features = classifier.map(Classifier::features).orElse(1);
        String shape = classifier.map(c -> c.inputDims().toString().replace(" ", "").substring(1)).orElse("1]");
        String input = classifier.map(Classifier::inputName).orElse("input");
        StringBuilder body = new StringBuilder("{\"inputs\":[{\"name\":\"").append(input)
                .append("\",\"shape\":[1,").append(shape).append(",\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < features; i++) {
            body.append(i == 0 ? "0.5" : ",0.5");
        }
        return body.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A picture with a light shape on a dark ground, encoded as the format names. */
    static byte[] picture(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.DARK_GRAY);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.LIGHT_GRAY);
            g.fillOval(width / 4, height / 4, width / 2, height / 2);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Where to reach this server from inside: the loopback address when it listens on every interface. */
    private static String loopback(String host) {
        if (host == null || host.isEmpty() || host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.equals("[::]")) {
            return "::1";
        }
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The configured port, or the one the server was given when it asked for any (port 0). */
    private static int port(HttpServerStart event) {
        int port = event.options().getPort();
        return port > 0
                ? port
                : ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
    }
}
