package dev.modelserving.problem;

import java.util.List;
import java.util.Map;

/** A request that cannot be understood: malformed syntax or a parameter of the wrong type or range (400). */
public class InvalidRequestException extends ProblemException {

    public InvalidRequestException(String detail, List<Problem.FieldError> errors) {
        super(ProblemType.BAD_REQUEST, detail, errors, Map.of());
    }

    public InvalidRequestException(String detail) {
        this(detail, List.of());
    }
}
