package dev.modelserving.task;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import java.util.List;
import java.util.Map;

/** The background queue is full: nothing was accepted, try again later (429 with Retry-After). */
public class QueueFullException extends ProblemException {

    public QueueFullException(String detail, int retryAfterSeconds) {
        super(ProblemType.TOO_MANY_REQUESTS, detail, List.of(),
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }
}
