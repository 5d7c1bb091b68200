package dev.modelserving.v2;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.Api;
import dev.modelserving.v2.grpc.GRPCInferenceServiceGrpc;
import dev.modelserving.v2.grpc.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a gRPC client can get wrong below the messages, sent as raw HTTP/2 frames: each is answered with a status and
 * our words (never a reset stream, a hang or an HTML page), and a compressed message is read within the size limit.
 */
@QuarkusTest
@TestProfile(GrpcInferenceTest.GrpcRepository.class)
class GrpcFramingTest {

    @TestHTTPResource("/")
    URL base;

    private Vertx vertx;
    private HttpClient http2;
    private String token;

    @BeforeEach
    void connect() {
        vertx = Vertx.vertx();
        http2 = vertx.createHttpClient(
                new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        token = Api.newUserToken();
    }

    @AfterEach
    void disconnect() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A call's answer: its HTTP status, headers and trailers, with the grpc-message decoded. */
    private record Answer(int httpStatus, Map<String, String> metadata) {
        String status() {
            return metadata.get("grpc-status");
        }

        String message() {
            String message = metadata.get("grpc-message");
            return message == null ? null : URLDecoder.decode(message, StandardCharsets.UTF_8);
        }
    }

    /** A message as gRPC frames it: compressed flag, length, bytes. */
    private static Buffer framed(boolean compressed, byte[] message) {
        return Buffer.buffer().appendByte((byte) (compressed ? 1 : 0)).appendInt(message.length).appendBytes(message);
    }

    /** Sends one framed message to a method of the service. */
    private Answer call(String method, boolean compressed, byte[] message, String... headers) throws Exception {
        return call(method, framed(compressed, message), headers);
    }

    /** Sends {@code body} as it is to a method of the service. */
    private Answer call(String method, Buffer body, String... headers) throws Exception {
        return http2.request(HttpMethod.POST, base.getPort(), base.getHost(),
                "/" + GRPCInferenceServiceGrpc.SERVICE_NAME + "/" + method).compose(request -> {
                    request.putHeader("content-type", "application/grpc").putHeader("te", "trailers")
                            .putHeader("authorization", "Bearer " + token);
                    for (int i = 0; i < headers.length; i += 2) {
                        request.putHeader(headers[i], headers[i + 1]);
                    }
                    return request.send(body);
                }).compose(response -> response.body().map(ignored -> {
                    Map<String, String> metadata = new HashMap<>();
                    response.headers().forEach(header -> metadata.put(header.getKey(), header.getValue()));
                    response.trailers().forEach(trailer -> metadata.put(trailer.getKey(), trailer.getValue()));
                    return new Answer(response.statusCode(), metadata);
                })).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void aGzipCompressedCallIsAnsweredAsAPlainOne() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort()).usePlaintext()
                .build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc
                    .newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            ModelInferResponse plain = stub.modelInfer(GrpcInferenceTest.rawPair());
            ModelInferResponse compressed = stub.withCompression("gzip").modelInfer(GrpcInferenceTest.rawPair());
            assertThat(compressed.getRawOutputContentsList()).isEqualTo(plain.getRawOutputContentsList())
                    .hasSize(2);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCompressedMessageThatExpandsPastTheLimitIsResourceExhaustedAndTheServerStaysUp() throws Exception {
        // 64 MiB of zeros compress to about 64 KiB, well under the 1 MiB limit on what comes over the wire.
        byte[] bomb = gzip(new byte[64 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(GrpcInferenceTest.MAX_MESSAGE);
        Answer answer = call("ModelInfer", true, bomb, "grpc-encoding", "gzip");
        assertThat(answer.status()).isEqualTo("8");
        assertThat(answer.message()).contains("decompresses to more than " + GrpcInferenceTest.MAX_MESSAGE);
        assertThat(call("ModelInfer", true, gzip(GrpcInferenceTest.rawPair().toByteArray()), "grpc-encoding", "gzip")
                .status()).isEqualTo("0");
    }

    @Test
    void faultsBelowTheMessagesAreStatusesWithOurDetail() throws Exception {
        byte[] pair = GrpcInferenceTest.rawPair().toByteArray();
        Answer ok = call("ModelInfer", false, pair);
        assertThat(ok.status()).isEqualTo("0");
        // As gRPC servers answer: a client that stops reading at a content-length would miss the trailers.
        assertThat(ok.metadata()).doesNotContainKey("content-length");

        Answer truncated = call("ModelInfer", false, new byte[]{0x0A, 0x10, 'p'});
        assertThat(truncated.status()).isEqualTo("3");
        assertThat(truncated.message()).contains("not a valid inference.GRPCInferenceService/ModelInfer request");

        Answer badGzip = call("ModelInfer", true, pair, "grpc-encoding", "gzip");
        assertThat(badGzip.status()).isEqualTo("3");
        assertThat(badGzip.message()).contains("not valid gzip");

        Answer undeclared = call("ModelInfer", true, gzip(pair));
        assertThat(undeclared.status()).isEqualTo("3");
        assertThat(undeclared.message()).contains("declares no grpc-encoding");

        Answer snappy = call("ModelInfer", true, pair, "grpc-encoding", "snappy");
        assertThat(snappy.status()).isEqualTo("12");
        assertThat(snappy.message()).contains("'snappy' is not supported");

        Answer timeout = call("ModelInfer", false, pair, "grpc-timeout", "soon");
        assertThat(timeout.status()).isEqualTo("3");
        assertThat(timeout.message()).contains("grpc-timeout header is 'soon'");

        Answer none = call("ModelInfer", Buffer.buffer());
        assertThat(none.status()).isEqualTo("3");
        assertThat(none.message()).contains("ended without its request message");

        Answer two = call("ModelInfer", framed(false, pair).appendBuffer(framed(false, pair)));
        assertThat(two.status()).isEqualTo("3");
        assertThat(two.message()).contains("carries one request message");

        Answer unknown = call("ModelUnload", false, new byte[0]);
        assertThat(unknown.httpStatus()).isEqualTo(200);
        assertThat(unknown.status()).isEqualTo("12");
    }

    @Test
    void theServicePathOverHttp1IsAProblemNotACall() {
        given().contentType("application/grpc").body(new byte[]{0, 0, 0, 0, 0})
                .post("/" + GRPCInferenceServiceGrpc.SERVICE_NAME + "/ServerLive").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
