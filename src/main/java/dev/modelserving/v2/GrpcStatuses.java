package dev.modelserving.v2;

import dev.modelserving.inference.InferenceQueueFullException;
import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.ProblemException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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

    /** The status to close a call of {@code method} with, for {@code failure}. */
    public StatusRuntimeException of(Throwable failure, String method) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        if (failure instanceof ProblemException problem) {
            return code(problem).withDescription(problem.getMessage()).asRuntimeException();
        }
        String incident = incidents.record(failure, "gRPC " + method);
        return Status.INTERNAL.withDescription("An unexpected error occurred; incident " + incident
                + " identifies it in the server log").asRuntimeException();
    }

    static Status code(ProblemException problem) {
        if (problem instanceof InferenceQueueFullException) {
            // Not UNAVAILABLE: this server is up, its queue is full; clients back off rather than fail over.
            return Status.RESOURCE_EXHAUSTED;
        }
        return switch (problem.type().status()) {
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.NOT_FOUND;
            case 413, 429 -> Status.RESOURCE_EXHAUSTED;
            case 503 -> Status.UNAVAILABLE;
            case 504 -> Status.DEADLINE_EXCEEDED;
            default -> problem.type().status() < 500 ? Status.INVALID_ARGUMENT : Status.INTERNAL;
        };
    }
}
