package dev.modelserving.problem;

import java.io.IOException;

/**
 * A JSON body that the service parses itself (off the event loop) could not be read; it carries the parser's failure so
 * that the same mappers answer as for a body the framework parsed.
 */
public class InvalidJsonException extends RuntimeException {

    public InvalidJsonException(IOException cause) {
        super(cause.getMessage(), cause, false, false);
    }
}
