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
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every problem's gRPC status, and the grpc-timeout values a call can carry. */
class GrpcStatusesTest {

    private final GrpcStatuses statuses = new GrpcStatuses(new IncidentLog());

    private GrpcStatus of(Throwable failure) {
        return statuses.of(failure, "ModelInfer").status();
    }

    @Test
    void eachProblemHasTheStatusCodeForItsKindAndItsDetailAsTheMessage() {
        GrpcStatuses.Failure invalid = statuses.of(new InvalidRequestException("Input 'a' has shape [2, 3]"),
                "ModelInfer");
        assertThat(invalid.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
        assertThat(invalid.message()).isEqualTo("Input 'a' has shape [2, 3]");
        assertThat(of(new ProblemException(ProblemType.UNAUTHORIZED, "no token")))
                .isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(of(new ProblemException(ProblemType.FORBIDDEN, "admins only")))
                .isEqualTo(GrpcStatus.PERMISSION_DENIED);
        assertThat(of(new ResourceNotFoundException("Model 'x' not found")))
                .isEqualTo(GrpcStatus.NOT_FOUND);
        assertThat(of(new InferenceQueueFullException(1000))).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(of(new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "too big")))
                .isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(of(new ModelNotReadyException("model 'x' is LOADING")))
                .isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(of(new ShuttingDownException("shutting down"))).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(of(new DeadlineExceededException(12))).isEqualTo(GrpcStatus.DEADLINE_EXCEEDED);
        assertThat(of(new ProblemException(ProblemType.VALIDATION_FAILED, "not finite")))
                .isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    }

    @Test
    void anUnexpectedFailureIsInternalWithAnIncidentIdAndNoInternals() {
        GrpcStatuses.Failure internal = statuses.of(new IllegalStateException("secret internals"), "ModelInfer");
        assertThat(internal.status()).isEqualTo(GrpcStatus.INTERNAL);
        assertThat(internal.message()).containsPattern("incident [0-9a-f-]{36}")
                .doesNotContain("secret internals").doesNotContain("IllegalStateException");
    }

    @Test
    void grpcTimeoutValuesAreReadInEveryUnitAndMalformedOnesAreRefused() {
        long now = System.nanoTime();
        assertThat(GrpcTimeouts.deadline("100m").nanoTime() - now)
                .isBetween(TimeUnit.MILLISECONDS.toNanos(99), TimeUnit.MILLISECONDS.toNanos(1100));
        assertThat(GrpcTimeouts.deadline("2S").nanoTime() - now)
                .isBetween(TimeUnit.SECONDS.toNanos(2) - 1, TimeUnit.SECONDS.toNanos(3));
        assertThat(GrpcTimeouts.deadline("99999999H")).isEqualTo(Deadline.NONE);
        assertThat(GrpcTimeouts.deadline("5u").passed(System.nanoTime() + 10_000)).isTrue();
        assertThat(GrpcTimeouts.deadline("5n")).isNotNull();
        assertThat(GrpcTimeouts.deadline("1M")).isNotNull();
        for (String malformed : new String[]{"", "m", "100", "100x", "-1S", "123456789S", "1.5S"}) {
            assertThat(GrpcTimeouts.deadline(malformed)).as(malformed).isNull();
        }
    }
}
