package dev.modelserving.problem;

/** The caller is authenticated but not allowed to do this. */
public class ForbiddenException extends ProblemException {

    public ForbiddenException(String detail) {
        super(ProblemType.FORBIDDEN, detail);
    }
}
