package dev.modelserving.problem;

/** The named resource does not exist (or the caller may not know that it does). */
public class ResourceNotFoundException extends ProblemException {

    public ResourceNotFoundException(String detail) {
        super(ProblemType.NOT_FOUND, detail);
    }
}
