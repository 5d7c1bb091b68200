package dev.modelserving.v2;

import dev.modelserving.inference.DeadlineExceededException;
import dev.modelserving.problem.InvalidRequestException;
import dev.modelserving.problem.Problem;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The V2 {@code timeout} request parameter, as Triton reads it: microseconds the caller waits from when the request
 * arrived. It is checked when a runner takes the request (its body is only parsed there), so a request that waited
 * longer in the queue is dropped before the model runs it.
 */
final class RequestTimeout {

    static final String PARAMETER = "timeout";

    private RequestTimeout() {
    }

    /** Throws when the request's timeout has passed since {@code received} ({@link System#nanoTime()}). */
    static void check(V2Protocol.InferenceRequest request, long received) {
        Map<String, Object> parameters = request.parameters();
        Object timeout = parameters == null ? null : parameters.get(PARAMETER);
        if (timeout == null) {
            return;
        }
        if (!(timeout instanceof Integer || timeout instanceof Long) || ((Number) timeout).longValue() < 0) {
            String detail = "The timeout parameter is " + timeout + "; it must be a whole number of microseconds";
            throw new InvalidRequestException(detail,
                    List.of(Problem.FieldError.atPointer("/parameters/" + PARAMETER, detail)));
        }
        long waited = System.nanoTime() - received;
        if (waited > TimeUnit.MICROSECONDS.toNanos(((Number) timeout).longValue())) {
            throw new DeadlineExceededException(TimeUnit.NANOSECONDS.toMillis(waited));
        }
    }
}
