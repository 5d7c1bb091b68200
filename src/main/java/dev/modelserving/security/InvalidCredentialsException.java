package dev.modelserving.security;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;

/**
 * Username or password did not match. One message for both cases, so that the response does not reveal which usernames
 * exist.
 */
public class InvalidCredentialsException extends ProblemException {

    public InvalidCredentialsException() {
        super(ProblemType.UNAUTHORIZED, "Invalid username or password");
    }
}
