package dev.modelserving.v2;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.security.Authenticated;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * V2 inference as the router serves it, and as the REST layer serves the requests the router leaves to it (a chunked
 * body, no or a bad token, a content type or {@code Accept} it does not take): the same answers and problems either
 * way.
 */
@QuarkusTest
class InferenceRouteTest {

    private static final String INFER = "/v2/models/fashion-mnist/infer";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    RestLayerInferenceRequests restLayer;

    private String token;

    @BeforeEach
    void login() {
        token = Api.newUserToken();
    }

    private static byte[] request(List<Float> pixels) throws Exception {
        return JSON.writeValueAsBytes(Map.of("inputs",
                List.of(Map.of("name", "input", "shape", List.of(1, 784), "datatype", "FP32", "data", pixels))));
    }

    /** The body as sent with a Content-Length (served on the router) ... */
    private HttpResponse<byte[]> sized(byte[] body, String... headers) throws Exception {
        return send(HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    /** ... and as a chunked stream of unknown length (left to the REST layer); with the given headers. */
    private HttpResponse<byte[]> chunked(byte[] body, String... headers) throws Exception {
        return send(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), headers);
    }

    /** A POST to the bundled model's inference, JSON unless {@code headers} say otherwise. */
    private HttpResponse<byte[]> send(HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(INFER))
                .header("Authorization", "Bearer " + token);
        if (headers.length == 0) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.POST(body).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Sends with {@code send}, asserting whether the request reached the REST layer. */
    private <T> T served(boolean byRestLayer, Callable<T> send) throws Exception {
        int before = restLayer.count();
        T answer = send.call();
        assertThat(restLayer.count() - before).as("requests that reached the REST layer").isEqualTo(
                byRestLayer ? 1 : 0);
        return answer;
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static void assertSameAnswer(HttpResponse<byte[]> routed, HttpResponse<byte[]> rest) {
        assertThat(routed.statusCode()).as(text(routed)).isEqualTo(rest.statusCode());
        for (String header : List.of("Content-Type", BinaryTensors.HEADER)) {
            assertThat(routed.headers().firstValue(header)).as(header).isEqualTo(rest.headers().firstValue(header));
        }
        assertThat(routed.body()).isEqualTo(rest.body());
    }

    @Test
    void aBodyOfUnknownLengthGetsTheSameAnswerFromTheRestLayerAsOneOfKnownLengthFromTheRouter() throws Exception {
        byte[] body = request(InferenceResourceTest.pixels(Fixtures.first()));

        HttpResponse<byte[]> sized = served(false, () -> sized(body));
        HttpResponse<byte[]> chunked = served(true, () -> chunked(body));

        assertThat(sized.statusCode()).as(text(sized)).isEqualTo(200);
        assertThat(sized.headers().firstValue("Content-Type")).hasValue("application/json");
        assertSameAnswer(sized, chunked);
        JsonNode answer = JSON.readTree(sized.body());
        assertThat(answer.at("/outputs/0/shape").toString()).isEqualTo("[1,10]");
        assertThat(answer.at("/outputs/0/data")).hasSize(10);
    }

    @Test
    void binaryTensorsAndABinaryAnswerAreTheSameBothWays() throws Exception {
        List<Float> pixels = InferenceResourceTest.pixels(Fixtures.first());
        byte[] json = JSON.writeValueAsBytes(Map.of("inputs", List.of(Map.of("name", "input", "shape", List.of(1, 784),
                "datatype", "FP32", "parameters", Map.of("binary_data_size", 784 * 4))),
                "parameters", Map.of("binary_data_output", true)));
        ByteBuffer body = ByteBuffer.allocate(json.length + 784 * 4).order(ByteOrder.LITTLE_ENDIAN).put(json);
        pixels.forEach(body::putFloat);
        String[] headers = {"Content-Type", "application/octet-stream", BinaryTensors.HEADER,
                String.valueOf(json.length)};

        HttpResponse<byte[]> sized = served(false, () -> sized(body.array(), headers));
        HttpResponse<byte[]> chunked = served(true, () -> chunked(body.array(), headers));

        assertThat(sized.statusCode()).as(text(sized)).isEqualTo(200);
        assertThat(sized.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        int headerLength = Integer.parseInt(sized.headers().firstValue(BinaryTensors.HEADER).orElseThrow());
        assertThat(sized.body()).hasSize(headerLength + 10 * 4);
        assertSameAnswer(sized, chunked);
    }

    @Test
    void aBadBodyIsTheSameProblemOnTheRouterAsInTheRestLayer() throws Exception {
        byte[] body = "{\"inputs\": [{\"name\": \"input\",".getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> sized = served(false, () -> sized(body));
        HttpResponse<byte[]> chunked = served(true, () -> chunked(body));

        assertThat(sized.statusCode()).isEqualTo(400);
        assertThat(sized.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(sized.body());
        assertThat(problem.get("detail").asText()).startsWith("The body is not valid JSON (line 1, column");
        assertSameAnswer(sized, chunked);
    }

    @Test
    void anUnknownModelOrVersionIsA404ProblemOnTheRouter() throws Exception {
        Response unknown = served(false, () -> given().auth().oauth2(token).contentType("application/json")
                .body(request(List.of(0f))).post("/v2/models/no-such-model/infer"));
        assertThat(assertProblem(unknown, 404, "/v2/models/no-such-model/infer")).contains("no-such-model");
        Response version = served(false, () -> given().auth().oauth2(token).contentType("application/json")
                .body(request(List.of(0f))).post("/v2/models/fashion-mnist/versions/99/infer"));
        assertThat(assertProblem(version, 404, "/v2/models/fashion-mnist/versions/99/infer")).contains("99");
    }

    @Test
    void requestsLeftToTheRestLayerGetItsProblems() throws Exception {
        byte[] body = request(List.of(0f));
        Response anonymous = served(true, () -> given().contentType("application/json").body(body).post(INFER));
        assertThat(assertProblem(anonymous, 401, INFER)).startsWith("Authentication required");
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");

        Response forged = served(true,
                () -> given().auth().oauth2(token + "x").contentType("application/json").body(body).post(INFER));
        assertThat(assertProblem(forged, 401, INFER)).isEqualTo("The bearer token is invalid or expired");

        Response text = served(true,
                () -> given().auth().oauth2(token).contentType("text/plain").body(body).post(INFER));
        assertThat(assertProblem(text, 415, INFER)).contains("text/plain");

        for (String accept : List.of("text/html", "application/jsonl")) {
            Response refused = served(true, () -> given().auth().oauth2(token).contentType("application/json")
                    .accept(accept).body(body).post(INFER));
            assertThat(assertProblem(refused, 406, INFER)).as(accept).contains(accept);
        }
        // Refused by its q=0, so left to the REST layer, which reads the body anyway (and finds it short).
        Response zero = served(true, () -> given().auth().oauth2(token).contentType("application/json")
                .accept("application/json;q=0").body(body).post(INFER));
        assertThat(assertProblem(zero, 400, INFER)).contains("784");
        Response wildcard = served(false, () -> given().auth().oauth2(token).contentType("application/json")
                .accept("text/html, */*;q=0.1").body(body).post(INFER));
        assertThat(wildcard.statusCode()).as(wildcard.asString()).isEqualTo(400);
    }

    @Test
    void aClientThatExpectsLeaveToSendItsBodyGetsIt() throws Exception {
        byte[] body = request(InferenceResourceTest.pixels(Fixtures.first()));
        int before = restLayer.count();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + INFER + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            // Before any of the body is sent: a server that waited for it would time this read out.
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(in.readLine()).isEmpty();
            out.write(body);
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        }
        assertThat(restLayer.count()).isEqualTo(before);
    }

    @Test
    void overHttp2TheAnswerIsTheSameAsOverHttp1() throws Exception {
        byte[] body = request(InferenceResourceTest.pixels(Fixtures.first()));
        Vertx vertx = Vertx.vertx();
        try {
            var http2 = vertx.createHttpClient(
                    new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            int before = restLayer.count();
            var answer = http2.request(HttpMethod.POST, base.getPort(), base.getHost(), INFER)
                    .compose(request -> request.putHeader("Authorization", "Bearer " + token)
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Content-Length", String.valueOf(body.length)).send(Buffer.buffer(body)))
                    .compose(response -> response.body().map(bytes -> Map.entry(response.statusCode(),
                            bytes.toString(StandardCharsets.UTF_8))))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(answer.getKey()).as(answer.getValue()).isEqualTo(200);
            assertThat(restLayer.count()).isEqualTo(before);
            assertThat(JSON.readTree(answer.getValue())).isEqualTo(JSON.readTree(chunked(body).body()));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static final Pattern SERVED = Pattern.compile("http_server_requests_seconds_count\\{method=\"POST\","
            + "outcome=\"SUCCESS\",status=\"200\",uri=\"/v2/models/\\{name\\}/infer\"\\} ([0-9.]+)");

    private static double servedCount() {
        Matcher count = SERVED.matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }

    @Test
    void theRouteIsMeasuredUnderItsTemplateNotEachModelsPath() throws Exception {
        double before = servedCount();
        byte[] body = request(InferenceResourceTest.pixels(Fixtures.first()));
        assertThat(served(false, () -> sized(body)).statusCode()).isEqualTo(200);
        assertThat(servedCount() - before).isEqualTo(1);
        assertThat(given().get("/q/metrics").asString()).doesNotContain("uri=\"" + INFER + "\"");
    }

    @Test
    void theRoutesTokenCheckIsAllTheResourceAsksFor() throws Exception {
        for (String operation : List.of("infer", "inferVersion")) {
            Method method = Arrays.stream(InferenceResource.class.getMethods())
                    .filter(m -> m.getName().equals(operation)).findFirst().orElseThrow();
            List<String> security = Arrays.stream(method.getAnnotations()).map(a -> a.annotationType().getName())
                    .filter(name -> name.startsWith("io.quarkus.security")
                            || name.startsWith("jakarta.annotation.security"))
                    .toList();
            assertThat(security).as(operation).containsExactly(Authenticated.class.getName());
        }
    }
}
