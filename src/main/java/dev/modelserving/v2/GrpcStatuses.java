package dev.modelserving.v2;

import dev.modelserving.inference.InferenceQueueFullException;
import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.ProblemException;
import io.vertx.grpc.common.GrpcStatus;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The gRPC face of the problems REST answers with: the status code for the problem's HTTP status, the problem's detail
 * as the message. Anything else is an incident, logged with its stack trace; the client gets its id.
 */
@ApplicationScoped
public class GrpcStatuses {

    private final IncidentLog incidents;

    public GrpcStatuses(IncidentLog incidents) {
        this.incidents = incidents;
    }

    /** How a call ends when it does not succeed: its status code and the message for the client. */
    record Failure(GrpcStatus status, String message) {
    }

    /** The status to close a call of {@code method} with, for {@code failure}. */
    Failure of(Throwable failure, String method) {
        if (failure instanceof ProblemException problem) {
            return new Failure(code(problem), problem.getMessage());
        }
        String incident = incidents.record(failure, "gRPC " + method);
        return new Failure(GrpcStatus.INTERNAL,
                "An unexpected error occurred; incident " + incident + " identifies it in the server log");
    }

    static GrpcStatus code(ProblemException problem) {
        if (problem instanceof InferenceQueueFullException) {
            // Not UNAVAILABLE: this server is up, its queue is full; clients back off rather than fail over.
            return GrpcStatus.RESOURCE_EXHAUSTED;
        }
        return switch (problem.type().status()) {
            case 401 -> GrpcStatus.UNAUTHENTICATED;
            case 403 -> GrpcStatus.PERMISSION_DENIED;
            case 404 -> GrpcStatus.NOT_FOUND;
            case 413, 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
            case 503 -> GrpcStatus.UNAVAILABLE;
            case 504 -> GrpcStatus.DEADLINE_EXCEEDED;
            default -> problem.type().status() < 500 ? GrpcStatus.INVALID_ARGUMENT : GrpcStatus.INTERNAL;
        };
    }
}
