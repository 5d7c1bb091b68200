package dev.modelserving.inference;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;

/**
 * The caller's deadline passed while its request waited for a runner: the model never ran it, so no model time went to
 * an answer nobody waits for.
 */
public class DeadlineExceededException extends ProblemException {

    public DeadlineExceededException(long waitedMillis) {
        super(ProblemType.DEADLINE_EXCEEDED, "The request's deadline passed after " + waitedMillis
                + " ms waiting for the model; it was not run. Give it more time, or retry when the server is less "
                + "busy");
    }
}
