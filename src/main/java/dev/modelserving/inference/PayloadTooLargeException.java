package dev.modelserving.inference;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;

/** A body within the server-wide limit but over the limit of the endpoint it was sent to. */
public class PayloadTooLargeException extends ProblemException {

    public PayloadTooLargeException(String detail) {
        super(ProblemType.PAYLOAD_TOO_LARGE, detail);
    }
}
