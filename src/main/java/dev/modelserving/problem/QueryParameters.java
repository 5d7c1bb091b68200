package dev.modelserving.problem;

/**
 * Marks a {@code @BeanParam} class whose properties are query parameters, so that a constraint violation on one of them
 * is reported as a 400 naming the parameter rather than as a 422 about the request body.
 */
public interface QueryParameters {
}
