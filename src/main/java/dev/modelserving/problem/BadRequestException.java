package dev.modelserving.problem;

import java.util.List;
import java.util.Map;

/** A request that cannot be understood: malformed syntax or a parameter of the wrong type or range (400). */
public class BadRequestException extends ProblemException {

    public BadRequestException(String detail, List<Problem.FieldError> errors) {
        super(ProblemType.BAD_REQUEST, detail, errors, Map.of());
    }

    public BadRequestException(String detail) {
        this(detail, List.of());
    }
}
