package dev.modelserving.security;

import dev.modelserving.problem.ProblemException;
import dev.modelserving.problem.ProblemType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Too many failed logins for this username or from this address: 429 with the seconds to wait in Retry-After. */
public class LoginThrottledException extends ProblemException {

    public LoginThrottledException(Duration wait) {
        super(ProblemType.TOO_MANY_REQUESTS, "Too many failed logins for this username or from this address; "
                + "try again in " + seconds(wait) + " s", List.of(), Map.of("Retry-After", seconds(wait)));
    }

    private static String seconds(Duration wait) {
        return String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000));
    }
}
