package dev.modelserving.model;

/**
 * A model or model version in the repository that cannot be served: its message says why, naming the file and, for
 * {@code config.json}, the key.
 */
public class InvalidModelException extends RuntimeException {

    public InvalidModelException(String reason) {
        super(reason);
    }

    public InvalidModelException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
