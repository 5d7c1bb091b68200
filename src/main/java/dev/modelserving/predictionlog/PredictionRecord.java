package dev.modelserving.predictionlog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * One line of the prediction log.
 *
 * @param requestId the request's X-Request-Id, if it came over HTTP
 * @param user the caller, if authenticated
 * @param orderId the order the prediction belongs to, if any
 * @param latencyMicros preprocessing plus inference time of this prediction
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictionRecord(
        Instant timestamp,
        String requestId,
        String user,
        String model,
        String version,
        String label,
        float confidence,
        long latencyMicros,
        String orderId) {
}
