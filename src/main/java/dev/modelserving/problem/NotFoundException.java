package dev.modelserving.problem;

/** The named resource does not exist (or the caller may not know that it does). */
public class NotFoundException extends ProblemException {

    public NotFoundException(String detail) {
        super(ProblemType.NOT_FOUND, detail);
    }
}
