package dev.modelserving.v2;

import dev.modelserving.inference.PredictionContext;
import dev.modelserving.model.ServedModels;
import dev.modelserving.problem.ProblemException;
import dev.modelserving.v2.grpc.GRPCInferenceServiceGrpc;
import dev.modelserving.v2.grpc.ModelInferRequest;
import dev.modelserving.v2.grpc.ModelInferResponse;
import dev.modelserving.v2.grpc.ModelMetadataRequest;
import dev.modelserving.v2.grpc.ModelMetadataResponse;
import dev.modelserving.v2.grpc.ModelReadyRequest;
import dev.modelserving.v2.grpc.ModelReadyResponse;
import dev.modelserving.v2.grpc.ServerLiveRequest;
import dev.modelserving.v2.grpc.ServerLiveResponse;
import dev.modelserving.v2.grpc.ServerMetadataRequest;
import dev.modelserving.v2.grpc.ServerMetadataResponse;
import dev.modelserving.v2.grpc.ServerReadyRequest;
import dev.modelserving.v2.grpc.ServerReadyResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.Supplier;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The Open Inference Protocol's gRPC service, on the HTTP port: health and metadata open to all, as on REST;
 * {@code ModelInfer} for a caller with a bearer token in its {@code authorization} metadata, run by the same runners
 * (and in the same batches) as REST inference. A call cancelled, or past its deadline, while its request waits for a
 * runner is dropped unrun. The methods run on the event loop and never block: inference is handed to the runners.
 */
@ApplicationScoped
public class GrpcInferenceService {

    /** The service's calls, {@code /<package>.<service>/<method>}. */
    static final String PATH = "/" + GRPCInferenceServiceGrpc.SERVICE_NAME + "/*";

    /** Before the security filters ({@code -SecurityHandlerPriorities.CORS}, the first of them, is -300). */
    private static final int ROUTE_ORDER = -1000;

    private final ServedModels served;
    private final TensorInference inference;
    private final BearerCallers callers;
    private final GrpcStatuses statuses;
    private final GrpcConfig config;
    private final BuildInfo build;

    public GrpcInferenceService(ServedModels served, TensorInference inference, BearerCallers callers,
            GrpcStatuses statuses, GrpcConfig config, BuildInfo build) {
        this.served = served;
        this.inference = inference;
        this.callers = callers;
        this.statuses = statuses;
        this.config = config;
        this.build = build;
    }

    /**
     * Mounts the service on the HTTP router after the access log, ahead of the HTTP security filters (whose lazy
     * authentication each request would set up for nothing: a call's token is in its metadata, checked here) and REST.
     */
    void mount(@Observes Router router, Vertx vertx) {
        GrpcUnaryServer server = new GrpcUnaryServer(vertx, config.maxMessageSize().asLongValue(), statuses)
                .unary(GRPCInferenceServiceGrpc.getServerLiveMethod(), ServerLiveRequest.parser(),
                        call -> now(() -> ServerLiveResponse.newBuilder().setLive(true).build()))
                .unary(GRPCInferenceServiceGrpc.getServerReadyMethod(), ServerReadyRequest.parser(),
                        call -> now(() -> ServerReadyResponse
                                .newBuilder().setReady(ready(() -> served.require())).build()))
                .unary(GRPCInferenceServiceGrpc.getModelReadyMethod(), ModelReadyRequest.parser(),
                        call -> now(() -> modelReady(call.message())))
                .unary(GRPCInferenceServiceGrpc.getServerMetadataMethod(), ServerMetadataRequest.parser(),
                        call -> now(() -> ServerMetadataResponse.newBuilder().setName(InferenceResource.SERVER_NAME)
                                .setVersion(build.version()).build()))
                .unary(GRPCInferenceServiceGrpc.getModelMetadataMethod(), ModelMetadataRequest.parser(),
                        call -> now(() -> modelMetadata(call.message())))
                .unary(GRPCInferenceServiceGrpc.getModelInferMethod(), ModelInferRequest.parser(), this::modelInfer);
        router.route(PATH).order(ROUTE_ORDER).handler(server);
    }

    private ModelReadyResponse modelReady(ModelReadyRequest request) {
        String version = optional(request.getVersion());
        // An unknown model or version is NOT_FOUND; a known one not loaded (yet, any more) is not ready.
        return ModelReadyResponse.newBuilder().setReady(ready(() -> inference.ready(request.getName(), version)))
                .build();
    }

    private ModelMetadataResponse modelMetadata(ModelMetadataRequest request) {
        V2Protocol.ModelMetadata meta = inference.metadata(request.getName(), optional(request.getVersion()));
        ModelMetadataResponse.Builder answer = ModelMetadataResponse.newBuilder().setName(meta.name())
                .addAllVersions(meta.versions()).setPlatform(meta.platform());
        meta.inputs().forEach(spec -> answer.addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(spec.name()).setDatatype(spec.datatype()).addAllShape(spec.shape())));
        meta.outputs().forEach(spec -> answer.addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(spec.name()).setDatatype(spec.datatype()).addAllShape(spec.shape())));
        return answer.build();
    }

    private Uni<ModelInferResponse> modelInfer(GrpcCall<ModelInferRequest> call) {
        JsonWebToken caller = callers.require(call.authorization());
        ModelInferRequest request = call.message();
        return inference.infer(request.getModelName(), optional(request.getModelVersion()),
                () -> GrpcTensors.request(request), (read, outputs) -> GrpcTensors.response(request, outputs),
                new PredictionContext(null, caller.getName(), null), call.deadline());
    }

    /** An answer computed on the spot; a problem it throws fails the call. */
    private static <T> Uni<T> now(Supplier<T> answer) {
        return Uni.createFrom().item(answer);
    }

    /** Whether {@code check} passes; a problem it throws for a state (not loaded, shutting down) is a no. */
    private static boolean ready(Runnable check) {
        try {
            check.run();
            return true;
        } catch (ProblemException e) {
            if (e.type().status() == 404) {
                throw e;
            }
            return false;
        }
    }

    /** The protocol's empty string for "not given". */
    private static String optional(String value) {
        return value.isEmpty() ? null : value;
    }
}
