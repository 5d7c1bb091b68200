package dev.modelserving.v2;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.modelserving.support.Api;
import dev.modelserving.support.Fixtures;
import dev.modelserving.support.OnnxModels;
import dev.modelserving.v2.grpc.GRPCInferenceServiceGrpc;
import dev.modelserving.v2.grpc.InferParameter;
import dev.modelserving.v2.grpc.InferTensorContents;
import dev.modelserving.v2.grpc.ModelInferRequest;
import dev.modelserving.v2.grpc.ModelInferResponse;
import dev.modelserving.v2.grpc.ModelMetadataRequest;
import dev.modelserving.v2.grpc.ModelMetadataResponse;
import dev.modelserving.v2.grpc.ModelReadyRequest;
import dev.modelserving.v2.grpc.ServerLiveRequest;
import dev.modelserving.v2.grpc.ServerMetadataRequest;
import dev.modelserving.v2.grpc.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Open Inference Protocol over gRPC, on the HTTP port, with a client generated from the protocol's {@code .proto}
 * (grpc-java's, as Triton's and KServe's clients are generated from the same file): every RPC, typed and raw tensors,
 * the same outputs as REST, each error status, the message size limit, and calls whose callers stop waiting while they
 * are queued behind a slow model (one runner thread, so the queue is provably there).
 */
@QuarkusTest
@TestProfile(GrpcInferenceTest.GrpcRepository.class)
class GrpcInferenceTest {

    static final Path REPOSITORY = Path.of("target", "test-repositories", "grpc").toAbsolutePath();
    /** The configured limit on an inbound message. */
    static final int MAX_MESSAGE = 1024 * 1024;
    /** Rows of each request that keeps the slow model busy (about 17 * 10^9 multiply-adds). */
    static final int SLOW_ROWS = 4096;

    static final String COLOURS_CONFIG = """
            {"labels": ["red", "green", "blue"], "image": {"resize": "stretch"}, "output": {"softmax": true}}
            """;

    public static class GrpcRepository implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            OnnxModels.writeModel(REPOSITORY, "pair", 1, OnnxModels.sumAndProduct(), null);
            // Unloaded by a test, so that it is a model the server knows and cannot serve.
            OnnxModels.writeModel(REPOSITORY, "spare", 1, OnnxModels.sumAndProduct(), null);
            OnnxModels.writeModel(REPOSITORY, "typed", 1, OnnxModels.everyType(), null);
            // About 4 * 10^6 multiply-adds a row: runs long enough that requests queue behind them.
            OnnxModels.writeModel(REPOSITORY, "slow", 1, OnnxModels.constantAfterWork(7, 2048), null);
            // Pictures: scores are the channel means of a 4x4 picture, with labels and softmax.
            OnnxModels.writeModel(REPOSITORY, "colours", 1, OnnxModels.channelMeans(true, 4, 4), COLOURS_CONFIG);
            return Map.of("app.models.repository", REPOSITORY.toString(), "app.models.default", "pair",
                    "app.model.batching.threads", "1", "app.model.max-batch", String.valueOf(SLOW_ROWS),
                    "app.grpc.max-message-size", String.valueOf(MAX_MESSAGE));
        }
    }

    @TestHTTPResource("/")
    URL base;

    private ManagedChannel channel;
    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub open;
    private String token;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress(base.getHost(), base.getPort()).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        open = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        token = Api.newUserToken();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub authorized(String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return open.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub user() {
        return authorized("Bearer " + token);
    }

    static ModelInferRequest.InferInputTensor.Builder input(String name, String datatype, long... shape) {
        ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
                .setName(name).setDatatype(datatype);
        Arrays.stream(shape).forEach(input::addShape);
        return input;
    }

    private static InferTensorContents fp32(float... values) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : values) {
            contents.addFp32Contents(value);
        }
        return contents.build();
    }

    static ByteString raw(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return ByteString.copyFrom(bytes.array());
    }

    private static List<Float> floats(ByteString raw) {
        ByteBuffer bytes = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<Float> values = new ArrayList<>();
        while (bytes.hasRemaining()) {
            values.add(bytes.getFloat());
        }
        return values;
    }

    private static final float[] A = {1, 2, 3, 4};
    private static final float[] B = {10, 20, 0.5f, 2};

    private static ModelInferRequest typedPair() {
        return ModelInferRequest.newBuilder().setModelName("pair").setId("typed-1")
                .addInputs(input("a", "FP32", 2, 2).setContents(fp32(A)))
                .addInputs(input("b", "FP32", 2, 2).setContents(fp32(B))).build();
    }

    static ModelInferRequest rawPair() {
        return ModelInferRequest.newBuilder().setModelName("pair")
                .addInputs(input("a", "FP32", 2, 2)).addInputs(input("b", "FP32", 2, 2))
                .addRawInputContents(raw(A)).addRawInputContents(raw(B)).build();
    }

    private static Status.Code code(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        throw new AssertionError("the call succeeded");
    }

    private static String failure(Status.Code expected, Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(expected);
            return e.getStatus().getDescription();
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void healthAndMetadataRpcsAnswerWithoutAToken() {
        assertThat(open.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(open.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
        assertThat(open.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
                .isEqualTo("model-serving");
        assertThat(open.modelReady(ModelReadyRequest.newBuilder().setName("pair").build()).getReady()).isTrue();
        assertThat(open.modelReady(ModelReadyRequest.newBuilder().setName("pair").setVersion("1").build())
                .getReady()).isTrue();

        ModelMetadataResponse meta = open.modelMetadata(ModelMetadataRequest.newBuilder().setName("pair").build());
        assertThat(meta.getVersionsList()).containsExactly("1");
        assertThat(meta.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(meta.getInputsList()).extracting(ModelMetadataResponse.TensorMetadata::getName)
                .containsExactly("a", "b");
        assertThat(meta.getInputs(0).getDatatype()).isEqualTo("FP32");
        assertThat(meta.getInputs(0).getShapeList()).containsExactly(-1L, 2L);
        assertThat(meta.getOutputsList()).extracting(ModelMetadataResponse.TensorMetadata::getName)
                .containsExactly("sum", "product");

        assertThat(failure(Status.Code.NOT_FOUND,
                () -> open.modelMetadata(ModelMetadataRequest.newBuilder().setName("nope").build())))
                .contains("Model 'nope' not found");
        assertThat(code(() -> open.modelReady(ModelReadyRequest.newBuilder().setName("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> open.modelReady(ModelReadyRequest.newBuilder().setName("pair").setVersion("9").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void typedContentsAreAnsweredTypedAndRawContentsRaw() {
        ModelInferResponse typed = user().modelInfer(typedPair());
        assertThat(typed.getModelName()).isEqualTo("pair");
        assertThat(typed.getModelVersion()).isEqualTo("1");
        assertThat(typed.getId()).isEqualTo("typed-1");
        assertThat(typed.getRawOutputContentsCount()).isZero();
        assertThat(typed.getOutputsList()).extracting(ModelInferResponse.InferOutputTensor::getName)
                .containsExactly("sum", "product");
        assertThat(typed.getOutputs(0).getShapeList()).containsExactly(2L, 2L);
        assertThat(typed.getOutputs(0).getDatatype()).isEqualTo("FP32");
        assertThat(typed.getOutputs(0).getContents().getFp32ContentsList()).containsExactly(11f, 22f, 3.5f, 6f);
        assertThat(typed.getOutputs(1).getContents().getFp32ContentsList()).containsExactly(10f, 40f, 1.5f, 8f);

        ModelInferResponse raw = user().modelInfer(rawPair());
        assertThat(raw.getOutputsList()).allMatch(output -> !output.hasContents());
        assertThat(floats(raw.getRawOutputContents(0))).containsExactly(11f, 22f, 3.5f, 6f);
        assertThat(floats(raw.getRawOutputContents(1))).containsExactly(10f, 40f, 1.5f, 8f);

        ModelInferResponse productOnly = user().modelInfer(typedPair().toBuilder()
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("product")).build());
        assertThat(productOnly.getOutputsList()).extracting(ModelInferResponse.InferOutputTensor::getName)
                .containsExactly("product");
    }

    @Test
    void theSameRowsGiveTheSameOutputsOnJsonRestBinaryRestAndGrpc() {
        List<Float> grpc = floats(user().modelInfer(rawPair()).getRawOutputContents(1));

        Response json = given().auth().oauth2(token).contentType(ContentType.JSON).body("""
                {"inputs": [{"name": "a", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]},
                            {"name": "b", "shape": [2, 2], "datatype": "FP32", "data": [10, 20, 0.5, 2]}]}""")
                .post("/v2/models/pair/infer");
        assertThat(json.statusCode()).as(json.asString()).isEqualTo(200);
        assertThat(json.jsonPath().getList("outputs[1].data", Float.class)).isEqualTo(grpc);

        String header = """
                {"inputs": [{"name": "a", "shape": [2, 2], "datatype": "FP32", "parameters": {"binary_data_size": 16}},
                            {"name": "b", "shape": [2, 2], "datatype": "FP32", "parameters": {"binary_data_size": 16}}],
                 "outputs": [{"name": "product", "parameters": {"binary_data": true}}]}""";
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(headerBytes.length + 32).put(headerBytes)
                .put(raw(A).toByteArray()).put(raw(B).toByteArray());
        Response binary = given().auth().oauth2(token).contentType("application/octet-stream")
                .header("Inference-Header-Content-Length", headerBytes.length).body(body.array())
                .post("/v2/models/pair/infer");
        assertThat(binary.statusCode()).isEqualTo(200);
        byte[] answer = binary.asByteArray();
        int jsonLength = Integer.parseInt(binary.header("Inference-Header-Content-Length"));
        ByteString rest = ByteString.copyFrom(answer, jsonLength, answer.length - jsonLength);
        assertThat(rest).isEqualTo(user().modelInfer(rawPair()).getRawOutputContents(1));
    }

    @Test
    void everyDatatypeTravelsInItsContentsField() {
        ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("typed")
                .addInputs(input("ids", "INT64", 2, 2).setContents(InferTensorContents.newBuilder()
                        .addAllInt64Contents(List.of(1152921504606846977L, -3L, 0L, 9007199254740993L))))
                .addInputs(input("counts", "INT32", 2, 2).setContents(InferTensorContents.newBuilder()
                        .addAllIntContents(List.of(1, -2, Integer.MAX_VALUE, 0))))
                .addInputs(input("offsets", "INT8", 2, 2).setContents(InferTensorContents.newBuilder()
                        .addAllIntContents(List.of(5, -100, 127, 0))))
                .addInputs(input("pixels", "UINT8", 2, 2).setContents(InferTensorContents.newBuilder()
                        .addAllUintContents(List.of(0, 1, 254, 255))))
                .addInputs(input("x", "FP64", 2, 2).setContents(InferTensorContents.newBuilder()
                        .addAllFp64Contents(List.of(0.1, -2.5, 1e300, 0.0))))
                .addInputs(input("flags", "BOOL", 2, 2).setContents(InferTensorContents.newBuilder()
                        .addAllBoolContents(List.of(true, false, false, true))))
                .build();
        ModelInferResponse answer = user().modelInfer(request);
        Map<String, InferTensorContents> outputs = new java.util.HashMap<>();
        answer.getOutputsList().forEach(output -> outputs.put(output.getName(), output.getContents()));
        assertThat(outputs.get("ids_doubled").getInt64ContentsList())
                .containsExactly(2305843009213693954L, -6L, 0L, 18014398509481986L);
        assertThat(outputs.get("counts_negated").getIntContentsList()).containsExactly(-1, 2, -Integer.MAX_VALUE, 0);
        assertThat(outputs.get("offsets_negated").getIntContentsList()).containsExactly(-5, 100, -127, 0);
        assertThat(outputs.get("pixels_out").getUintContentsList()).containsExactly(0, 1, 254, 255);
        assertThat(outputs.get("x_doubled").getFp64ContentsList()).containsExactly(0.2, -5.0, 2e300, 0.0);
        assertThat(outputs.get("flags_negated").getBoolContentsList()).containsExactly(false, true, true, false);

        ModelInferRequest outOfRange = request.toBuilder().setInputs(2, input("offsets", "INT8", 2, 2)
                .setContents(InferTensorContents.newBuilder().addAllIntContents(List.of(1, 128, 3, 4)))).build();
        assertThat(failure(Status.Code.INVALID_ARGUMENT, () -> user().modelInfer(outOfRange)))
                .contains("Input 'offsets'").contains("128").contains("out of the range of INT8");
    }

    @Test
    void eachFailureHasItsStatusAndOurDetail() {
        assertThat(failure(Status.Code.UNAUTHENTICATED, () -> open.modelInfer(typedPair())))
                .contains("authorization: Bearer <token>");
        assertThat(failure(Status.Code.UNAUTHENTICATED, () -> authorized("Bearer not.a.token").modelInfer(typedPair())))
                .contains("invalid or expired");
        assertThat(failure(Status.Code.NOT_FOUND,
                () -> user().modelInfer(typedPair().toBuilder().setModelName("nope").build())))
                .contains("Model 'nope' not found");
        assertThat(failure(Status.Code.NOT_FOUND,
                () -> user().modelInfer(typedPair().toBuilder().setModelVersion("9").build())))
                .contains("has no version '9'");
        assertThat(failure(Status.Code.INVALID_ARGUMENT, () -> user().modelInfer(typedPair().toBuilder()
                .setInputs(0, input("a", "FP32", 2, 3).setContents(fp32(1, 2, 3, 4, 5, 6))).build())))
                .contains("Input 'a' has shape [2, 3]").contains("[N, 2]");
        assertThat(failure(Status.Code.INVALID_ARGUMENT, () -> user().modelInfer(typedPair().toBuilder()
                .setInputs(0, input("a", "FP32", 2, 2).setContents(InferTensorContents.newBuilder()
                        .addAllFp64Contents(List.of(1.0, 2.0, 3.0, 4.0))))
                .build())))
                .contains("Input 'a'").contains("fp32_contents");
        assertThat(failure(Status.Code.INVALID_ARGUMENT,
                () -> user()
                        .modelInfer(rawPair().toBuilder().clearRawInputContents().addRawInputContents(raw(A)).build())))
                .contains("1 raw_input_contents for 2 inputs");
        assertThat(failure(Status.Code.INVALID_ARGUMENT, () -> user().modelInfer(rawPair().toBuilder()
                .setRawInputContents(1, raw(1, 2, 3)).build())))
                .contains("Input 'b' has 3 values");
        assertThat(failure(Status.Code.INVALID_ARGUMENT, () -> user().modelInfer(typedPair().toBuilder()
                .putParameters("timeout", InferParameter.newBuilder().setStringParam("soon").build()).build())))
                .contains("timeout");
    }

    @Test
    void aMessageOverTheLimitIsResourceExhaustedAndTheServerStaysUp() {
        int rows = MAX_MESSAGE / 8 + 1;
        float[] values = new float[rows * 2];
        ModelInferRequest big = ModelInferRequest.newBuilder().setModelName("pair")
                .addInputs(input("a", "FP32", rows, 2)).addInputs(input("b", "FP32", rows, 2))
                .addRawInputContents(raw(values)).addRawInputContents(raw(values)).build();
        assertThat(big.getSerializedSize()).isGreaterThan(MAX_MESSAGE);
        assertThat(code(() -> user().modelInfer(big))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(user().modelInfer(rawPair()).getRawOutputContentsCount()).isEqualTo(2);
    }

    /** Requests of SLOW_ROWS rows for the slow model, answered after their runs; they keep its one runner busy. */
    private List<ListenableFuture<ModelInferResponse>> holdTheSlowModel(
            int requests) {
        float[] rows = new float[SLOW_ROWS];
        ModelInferRequest load = ModelInferRequest.newBuilder().setModelName("slow")
                .addInputs(input("x", "FP32", SLOW_ROWS, 1)).addRawInputContents(raw(rows)).build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub stub = GRPCInferenceServiceGrpc.newFutureStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        List<ListenableFuture<ModelInferResponse>> calls = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            calls.add(stub.modelInfer(load));
        }
        return calls;
    }

    private static double slowModel(String series) {
        return given().get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith(series) && line.contains("model=\"slow\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static final String EXPIRED = "model_inference_requests_total{model=\"slow\",outcome=\"expired\"";
    private static final String SUCCESS = "model_inference_requests_total{model=\"slow\",outcome=\"success\"";

    @Test
    void callsWhoseCallersStopWaitingWhileQueuedAreNeverRun() throws Exception {
        double expiredBefore = slowModel(EXPIRED);
        double successBefore = slowModel(SUCCESS);
        // Several hundred ms of model time each here: seconds of queue, far longer than the probes need to arrive.
        var load = holdTheSlowModel(LOADS);
        // Queued before any probe: one load runs, one may be held by the runner while it runs, the rest wait.
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> waiting() >= LOADS - 2);
        ModelInferRequest probe = ModelInferRequest.newBuilder().setModelName("slow")
                .addInputs(input("x", "FP32", 3, 1)).addRawInputContents(raw(1, 2, 3)).build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub stub = GRPCInferenceServiceGrpc.newFutureStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        // A gRPC deadline that passes while the call waits.
        var late = stub.withDeadlineAfter(1000, TimeUnit.MILLISECONDS).modelInfer(probe);
        // A gRPC call its client cancels, and a REST client that closes its connection, once they have arrived.
        var cancelled = stub.modelInfer(probe);
        byte[] json = "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 1], \"datatype\": \"FP32\", \"data\": [1]}]}"
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v2/models/slow/infer HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            Thread.sleep(300);
        }
        assertThat(cancelled.cancel(true)).as("the call was still waiting").isTrue();
        // The V2 timeout parameter over REST, 1 ms: answered when the runner takes it, after the loads.
        CompletableFuture<Response> timedOut = CompletableFuture.supplyAsync(() -> given().auth().oauth2(token)
                .contentType(ContentType.JSON).body("""
                        {"inputs": [{"name": "x", "shape": [1, 1], "datatype": "FP32", "data": [1]}],
                         "parameters": {"timeout": 1000}}""").post("/v2/models/slow/infer"));

        assertThatThrownBy(() -> late.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("DEADLINE_EXCEEDED");
        // The calls reach the runner's queue in any order, so it is not the last one sent that ends last. Up to two
        // loads may have been queued after the probes; any more still unanswered were ahead of them.
        assertThat(load.stream().filter(call -> !call.isDone()).count())
                .as("loads still unanswered at the deadline: %s", states(load)).isGreaterThan(2);
        for (var call : load) {
            assertThat(call.get(60, TimeUnit.SECONDS).getRawOutputContentsCount()).isEqualTo(1);
        }
        Response timeout = timedOut.get(60, TimeUnit.SECONDS);
        assertThat(timeout.statusCode()).as(timeout.asString()).isEqualTo(504);
        assertThat(timeout.contentType()).startsWith("application/problem+json");
        assertThat(timeout.jsonPath().getString("type")).isEqualTo("urn:model-serving:problem:deadline-exceeded");
        assertThat(timeout.jsonPath().getString("detail")).contains("it was not run");
        // Each of the four counted as expired; only the loads were answered by the model.
        Awaitility.await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(slowModel(EXPIRED) - expiredBefore).isEqualTo(4));
        assertThat(slowModel(SUCCESS) - successBefore).isEqualTo(LOADS);
    }

    private static final int LOADS = 16;

    /** How each call stands: running, answered, or the status it failed with (what a failed premise needs said). */
    private static List<String> states(
            List<ListenableFuture<ModelInferResponse>> calls) {
        List<String> states = new ArrayList<>();
        for (var call : calls) {
            if (!call.isDone()) {
                states.add("running");
                continue;
            }
            try {
                call.get();
                states.add("answered");
            } catch (Exception e) {
                states.add(Status.fromThrowable(e).toString());
            }
        }
        return states;
    }

    /** Requests waiting for a runner, of every model. */
    private static double waiting() {
        return given().get("/q/metrics").asString().lines().filter(line -> line.startsWith("model_batch_waiting "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Softmax of the channel means of a solid red picture (1, 0, 0): the red class's probability. */
    static final float RED = (float) (Math.E / (Math.E + 2));

    @Test
    void picturesAsBytesAreClassifiedOnTheServerTypedOrRaw() {
        byte[] red = Fixtures.solidPng(8, 8, 0xFF0000);
        byte[] blue = Fixtures.solidJpeg(8, 8, 0x0000FF);
        ModelInferRequest.InferRequestedOutputTensor topTwo = ModelInferRequest.InferRequestedOutputTensor
                .newBuilder().setName("scores")
                .putParameters("classification", InferParameter.newBuilder().setInt64Param(2).build()).build();
        ModelInferRequest typed = ModelInferRequest.newBuilder().setModelName("colours")
                .addInputs(input("image", "BYTES", 2).setContents(InferTensorContents.newBuilder()
                        .addBytesContents(ByteString.copyFrom(red)).addBytesContents(ByteString.copyFrom(blue))))
                .addOutputs(topTwo).build();
        ModelInferResponse answer = user().modelInfer(typed);
        assertThat(answer.getOutputs(0).getDatatype()).isEqualTo("BYTES");
        assertThat(answer.getOutputs(0).getShapeList()).containsExactly(2L, 2L);
        List<String> classes = answer.getOutputs(0).getContents().getBytesContentsList().stream()
                .map(ByteString::toStringUtf8).toList();
        assertThat(classes).hasSize(4);
        assertThat(classes.get(0)).endsWith(":0:red");
        assertThat(Float.parseFloat(classes.get(0).split(":")[0])).isCloseTo(RED, within(1e-6f));
        assertThat(classes.get(2)).endsWith(":2:blue");

        // Raw: each picture a 4-byte little-endian length and its bytes; the answer's strings the same way.
        ByteBuffer raw = ByteBuffer.allocate(8 + red.length + blue.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(red.length).put(red).putInt(blue.length).put(blue);
        ModelInferResponse rawAnswer = user().modelInfer(typed.toBuilder().setInputs(0, input("image", "BYTES", 2))
                .addRawInputContents(ByteString.copyFrom(raw.array())).build());
        ByteBuffer strings = rawAnswer.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<String> rawClasses = new ArrayList<>();
        while (strings.hasRemaining()) {
            byte[] text = new byte[strings.getInt()];
            strings.get(text);
            rawClasses.add(new String(text, StandardCharsets.UTF_8));
        }
        assertThat(rawClasses).isEqualTo(classes);

        assertThat(failure(Status.Code.INVALID_ARGUMENT, () -> user().modelInfer(typed.toBuilder()
                .setInputs(0, input("image", "BYTES", 2).setContents(InferTensorContents.newBuilder()
                        .addBytesContents(ByteString.copyFrom(red))
                        .addBytesContents(ByteString.copyFromUtf8("not a picture"))))
                .build())))
                .contains("Picture 1 of input 'image' cannot be used");
    }

    @Test
    void aModelThatIsNotLoadedIsUnavailableAndNotReady() {
        given().auth().oauth2(Api.adminToken()).post("/v2/repository/models/spare/unload").then().statusCode(200);
        assertThat(open.modelReady(ModelReadyRequest.newBuilder().setName("spare").build()).getReady()).isFalse();
        assertThat(failure(Status.Code.UNAVAILABLE,
                () -> user().modelInfer(typedPair().toBuilder().setModelName("spare").build())))
                .contains("spare");
        // The server itself stays ready: its default model serves.
        assertThat(open.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    }
}
