package dev.modelserving.problem;

import java.util.List;
import java.util.Map;

/**
 * A failure that the client should see as a problem document. Services throw subclasses of it; the mappers in this
 * package turn them into responses, so no resource builds an error response by hand.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> headers;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of(), Map.of());
    }

    public ProblemException(ProblemType type, String detail, List<Problem.FieldError> errors,
            Map<String, String> headers) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public ProblemType type() {
        return type;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    /** The problem document of this failure, for the request at {@code path}. */
    public Problem problem(String path) {
        Problem problem = Problem.of(type, getMessage(), path);
        return errors.isEmpty() ? problem : problem.withErrors(errors);
    }

    /** Response headers the problem needs, e.g. {@code Retry-After}. */
    public Map<String, String> headers() {
        return headers;
    }
}
