package dev.modelserving.problem;

import java.util.List;
import java.util.Map;

/** A well-formed request whose content breaks a rule (422), with one entry per offending field. */
public class ValidationFailedException extends ProblemException {

    public ValidationFailedException(String detail, List<Problem.FieldError> errors) {
        super(ProblemType.VALIDATION_FAILED, detail, errors, Map.of());
    }

    public ValidationFailedException(String detail) {
        this(detail, List.of());
    }
}
