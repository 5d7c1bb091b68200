package dev.modelserving.predictionlog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/**
 * One line of the prediction log.
 *
 * @param id unique and stable: given when the prediction is made, so the same prediction read twice (a file read again,
 * an event sent again) is recognised as one
 * @param requestId the request's X-Request-Id, if it came over HTTP
 * @param user the caller, if authenticated
 * @param label the most likely class; absent for a model that does not classify (its output is in the answer only)
 * @param confidence that class's probability; absent with the label
 * @param orderId the order the prediction belongs to, if any
 * @param latencyMicros preprocessing plus inference time of this prediction
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictionRecord(
        String id,
        Instant timestamp,
        String requestId,
        String user,
        String model,
        String version,
        String label,
        Float confidence,
        long latencyMicros,
        String orderId) {

    /** A new line's id: a random UUID. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }
}
