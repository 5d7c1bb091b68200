package dev.modelserving.problem;

/** The request collides with the current state, e.g. a username that is taken. */
public class ConflictException extends ProblemException {

    public ConflictException(String detail) {
        super(ProblemType.CONFLICT, detail);
    }
}
