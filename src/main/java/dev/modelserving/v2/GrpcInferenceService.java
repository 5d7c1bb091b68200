package dev.modelserving.v2;

import dev.modelserving.inference.Deadline;
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
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The Open Inference Protocol's gRPC service, on the HTTP port: health and metadata open to all, as on REST;
 * {@code ModelInfer} for a caller with a bearer token in its {@code authorization} metadata, run by the same runners
 * (and in the same batches) as REST inference. A call cancelled, or past its deadline, while its request waits for a
 * runner is dropped unrun. The methods run on the event loop and never block: inference is handed to the runners.
 */
@GrpcService
@RegisterInterceptor(GrpcCallMetadata.class)
public class GrpcInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private final ServedModels served;
    private final TensorInference inference;
    private final GrpcCallers callers;
    private final GrpcStatuses statuses;
    private final BuildInfo build;

    public GrpcInferenceService(ServedModels served, TensorInference inference, GrpcCallers callers,
            GrpcStatuses statuses, BuildInfo build) {
        this.served = served;
        this.inference = inference;
        this.callers = callers;
        this.statuses = statuses;
        this.build = build;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        answer(response, "ServerLive", () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        answer(response, "ServerReady", () -> ServerReadyResponse.newBuilder().setReady(ready(() -> served.require()))
                .build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        answer(response, "ModelReady", () -> {
            String version = optional(request.getVersion());
            // An unknown model or version is NOT_FOUND; a known one not loaded (yet, any more) is not ready.
            return ModelReadyResponse.newBuilder()
                    .setReady(ready(() -> inference.ready(request.getName(), version))).build();
        });
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        answer(response, "ServerMetadata", () -> ServerMetadataResponse.newBuilder()
                .setName(InferenceResource.SERVER_NAME).setVersion(build.version()).build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        answer(response, "ModelMetadata", () -> {
            V2Protocol.ModelMetadata meta = inference.metadata(request.getName(), optional(request.getVersion()));
            ModelMetadataResponse.Builder answer = ModelMetadataResponse.newBuilder().setName(meta.name())
                    .addAllVersions(meta.versions()).setPlatform(meta.platform());
            meta.inputs().forEach(spec -> answer.addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                    .setName(spec.name()).setDatatype(spec.datatype()).addAllShape(spec.shape())));
            meta.outputs().forEach(spec -> answer.addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                    .setName(spec.name()).setDatatype(spec.datatype()).addAllShape(spec.shape())));
            return answer.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        AtomicReference<Cancellable> subscription = new AtomicReference<>();
        // Only settable now, before this method returns: a call cancelled later cancels the queued work.
        ((ServerCallStreamObserver<ModelInferResponse>) response).setOnCancelHandler(() -> {
            Cancellable running = subscription.get();
            if (running != null) {
                running.cancel();
            }
        });
        JsonWebToken caller;
        try {
            caller = callers.require();
        } catch (RuntimeException e) {
            response.onError(statuses.of(e, "ModelInfer"));
            return;
        }
        Deadline deadline = GrpcCallMetadata.DEADLINE.get();
        subscription.set(inference.infer(request.getModelName(), optional(request.getModelVersion()),
                () -> GrpcTensors.request(request), (read, outputs) -> GrpcTensors.response(request, outputs),
                new PredictionContext(null, caller.getName(), null), deadline == null ? Deadline.NONE : deadline)
                .subscribe().with(answer -> {
                    response.onNext(answer);
                    response.onCompleted();
                }, failure -> response.onError(statuses.of(failure, "ModelInfer"))));
    }

    private <T> void answer(StreamObserver<T> response, String method, Supplier<T> answer) {
        T value;
        try {
            value = answer.get();
        } catch (RuntimeException e) {
            response.onError(statuses.of(e, method));
            return;
        }
        response.onNext(value);
        response.onCompleted();
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
