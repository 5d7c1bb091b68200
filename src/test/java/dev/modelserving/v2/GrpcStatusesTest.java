package dev.modelserving.v2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.inference.Deadline;
import dev.modelserving.inference.DeadlineExceededException;
import dev.modelserving.inference.InferenceQueueFullException;
import dev.modelserving.model.ModelNotReadyException;
import dev.modelserving.problem.IncidentLog;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import dev.modelserving.problem.ResourceNotFoundException;
import dev.modelserving.problem.ShuttingDownException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every problem's gRPC status, and the grpc-timeout values a call can carry. */
class GrpcStatusesTest {

    private final GrpcStatuses statuses = new GrpcStatuses(new IncidentLog());

    private Status of(Throwable failure) {
        return statuses.of(failure, "ModelInfer").getStatus();
    }

    @Test
    void eachProblemHasTheStatusCodeForItsKindAndItsDetailAsTheMessage() {
        Status invalid = of(new InvalidRequestException("Input 'a' has shape [2, 3]"));
        assertThat(invalid.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(invalid.getDescription()).isEqualTo("Input 'a' has shape [2, 3]");
        assertThat(of(new ProblemException(ProblemType.UNAUTHORIZED, "no token")).getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(of(new ProblemException(ProblemType.FORBIDDEN, "admins only")).getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(of(new ResourceNotFoundException("Model 'x' not found")).getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(of(new InferenceQueueFullException(1000)).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(of(new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "too big")).getCode())
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(of(new ModelNotReadyException("model 'x' is LOADING")).getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(of(new ShuttingDownException("shutting down")).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(of(new DeadlineExceededException(12)).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(of(new ProblemException(ProblemType.VALIDATION_FAILED, "not finite")).getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void anUnexpectedFailureIsInternalWithAnIncidentIdAndNoInternals() {
        StatusRuntimeException internal = statuses.of(new IllegalStateException("secret internals"), "ModelInfer");
        assertThat(internal.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(internal.getStatus().getDescription()).containsPattern("incident [0-9a-f-]{36}")
                .doesNotContain("secret internals").doesNotContain("IllegalStateException");
    }

    @Test
    void grpcTimeoutValuesAreReadInEveryUnitAndMalformedOnesAreRefused() {
        long now = System.nanoTime();
        assertThat(GrpcCallMetadata.deadline("100m").nanoTime() - now)
                .isBetween(TimeUnit.MILLISECONDS.toNanos(99), TimeUnit.MILLISECONDS.toNanos(1100));
        assertThat(GrpcCallMetadata.deadline("2S").nanoTime() - now)
                .isBetween(TimeUnit.SECONDS.toNanos(2) - 1, TimeUnit.SECONDS.toNanos(3));
        assertThat(GrpcCallMetadata.deadline("99999999H")).isEqualTo(Deadline.NONE);
        assertThat(GrpcCallMetadata.deadline("5u").passed(System.nanoTime() + 10_000)).isTrue();
        assertThat(GrpcCallMetadata.deadline("5n")).isNotNull();
        assertThat(GrpcCallMetadata.deadline("1M")).isNotNull();
        for (String malformed : new String[]{"", "m", "100", "100x", "-1S", "123456789S", "1.5S"}) {
            assertThat(GrpcCallMetadata.deadline(malformed)).as(malformed).isNull();
        }
    }
}
