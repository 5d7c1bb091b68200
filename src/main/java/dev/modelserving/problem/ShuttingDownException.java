package dev.modelserving.problem;

import java.util.List;
import java.util.Map;

/** The service is stopping and accepts no new work (503); another replica, or this one restarted, will. */
public class ShuttingDownException extends ProblemException {

    public ShuttingDownException(String detail) {
        super(ProblemType.SERVICE_UNAVAILABLE, detail, List.of(), Map.of("Retry-After", "5"));
    }
}
