package dev.modelserving.v2;

import static dev.modelserving.support.ProblemAssert.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private HttpResponse<String> sized(byte[] body) throws Exception {
        return send(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** ... and as a chunked stream of unknown length (left to the REST layer). */
    private HttpResponse<String> chunked(byte[] body) throws Exception {
        return send(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    }

    private HttpResponse<String> send(HttpRequest.BodyPublisher body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(INFER))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(body).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyOfUnknownLengthGetsTheSameAnswerAsOneOfKnownLength() throws Exception {
        byte[] body = request(InferenceResourceTest.pixels(Fixtures.first()));

        HttpResponse<String> sized = sized(body);
        HttpResponse<String> chunked = chunked(body);

        assertThat(sized.statusCode()).as(sized.body()).isEqualTo(200);
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(200);
        assertThat(sized.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode answer = JSON.readTree(sized.body());
        assertThat(answer).isEqualTo(JSON.readTree(chunked.body()));
        assertThat(answer.at("/outputs/0/shape").toString()).isEqualTo("[1,10]");
        assertThat(answer.at("/outputs/0/data")).hasSize(10);
    }

    @Test
    void aBadBodyIsTheSameProblemOnTheRouterAsInTheRestLayer() throws Exception {
        byte[] body = "{\"inputs\": [{\"name\": \"input\",".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> sized = sized(body);
        HttpResponse<String> chunked = chunked(body);

        assertThat(sized.statusCode()).isEqualTo(400);
        assertThat(sized.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(sized.body());
        assertThat(problem.get("detail").asText()).startsWith("The body is not valid JSON (line 1, column");
        assertThat(problem).isEqualTo(JSON.readTree(chunked.body()));
    }

    @Test
    void anUnknownModelOrVersionIsA404ProblemOnTheRouter() throws Exception {
        Response unknown = given().auth().oauth2(token).contentType("application/json")
                .body(request(List.of(0f))).post("/v2/models/no-such-model/infer");
        assertThat(assertProblem(unknown, 404, "/v2/models/no-such-model/infer")).contains("no-such-model");
        Response version = given().auth().oauth2(token).contentType("application/json")
                .body(request(List.of(0f))).post("/v2/models/fashion-mnist/versions/99/infer");
        assertThat(assertProblem(version, 404, "/v2/models/fashion-mnist/versions/99/infer")).contains("99");
    }

    @Test
    void requestsLeftToTheRestLayerGetItsProblems() throws Exception {
        byte[] body = request(List.of(0f));
        Response anonymous = given().contentType("application/json").body(body).post(INFER);
        assertThat(assertProblem(anonymous, 401, INFER)).startsWith("Authentication required");
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");

        Response forged = given().auth().oauth2(token + "x").contentType("application/json").body(body).post(INFER);
        assertThat(assertProblem(forged, 401, INFER)).isEqualTo("The bearer token is invalid or expired");

        Response text = given().auth().oauth2(token).contentType("text/plain").body(body).post(INFER);
        assertThat(assertProblem(text, 415, INFER)).contains("text/plain");

        Response html = given().auth().oauth2(token).contentType("application/json").accept("text/html").body(body)
                .post(INFER);
        assertThat(assertProblem(html, 406, INFER)).contains("text/html");
    }

    @Test
    void aClientThatExpectsLeaveToSendItsBodyGetsIt() throws Exception {
        byte[] body = request(InferenceResourceTest.pixels(Fixtures.first()));
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
    }

    @Test
    void overHttp2TheAnswerIsTheSameAsOverHttp1() throws Exception {
        byte[] body = request(InferenceResourceTest.pixels(Fixtures.first()));
        Vertx vertx = Vertx.vertx();
        try {
            var http2 = vertx.createHttpClient(
                    new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            var answer = http2.request(HttpMethod.POST, base.getPort(), base.getHost(), INFER)
                    .compose(request -> request.putHeader("Authorization", "Bearer " + token)
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Content-Length", String.valueOf(body.length)).send(Buffer.buffer(body)))
                    .compose(response -> response.body().map(bytes -> Map.entry(response.statusCode(),
                            bytes.toString(StandardCharsets.UTF_8))))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(answer.getKey()).as(answer.getValue()).isEqualTo(200);
            assertThat(JSON.readTree(answer.getValue())).isEqualTo(JSON.readTree(sized(body).body()));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theRouteIsMeasuredUnderItsTemplateNotEachModelsPath() throws Exception {
        assertThat(sized(request(InferenceResourceTest.pixels(Fixtures.first()))).statusCode()).isEqualTo(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/v2/models/\\{name\\}/infer\"");
        assertThat(metrics).doesNotContain("uri=\"" + INFER + "\"");
    }
}
