package dev.modelserving.inference;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import java.util.List;
import java.util.Map;

/** More inference requests are waiting for the model than {@code app.model.batching.queue-capacity} allows. */
public class InferenceQueueFullException extends ProblemException {

    public InferenceQueueFullException(int capacity) {
        super(ProblemType.SERVICE_UNAVAILABLE, "The server is overloaded: " + capacity
                + " inference requests are already waiting (app.model.batching.queue-capacity); retry shortly",
                List.of(), Map.of("Retry-After", "1"));
    }
}
