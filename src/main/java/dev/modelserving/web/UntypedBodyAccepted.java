package dev.modelserving.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An operation that reads its body itself and accepts one without {@code Content-Type}: {@link ContentTypeRequired}
 * lets such a request through (a protocol's clients that send none, as Triton's do for binary tensors).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface UntypedBodyAccepted {
}
