package dev.modelserving.model;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import java.util.List;
import java.util.Map;

/** A prediction was asked for while the model is not loaded (still starting, or failed to load). */
public class ModelNotReadyException extends ProblemException {

    public ModelNotReadyException(String reason) {
        super(ProblemType.SERVICE_UNAVAILABLE, "The model is not ready: " + reason, List.of(),
                Map.of("Retry-After", "5"));
    }
}
