package dev.modelserving.problem;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Logs an unexpected failure with its stack trace under a fresh incident id; the client gets only the id, so the
 * details stay in the server log where an operator can find them.
 */
@ApplicationScoped
public class IncidentLog {

    private static final Logger LOG = Logger.getLogger(IncidentLog.class);

    public String record(Throwable failure, String where) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(failure, "incident=%s unexpected failure in %s", incident, where);
        return incident;
    }
}
