package dev.modelserving.v2;

import dev.modelserving.inference.Deadline;
import java.util.concurrent.TimeUnit;

/**
 * The {@code grpc-timeout} metadata: the caller's deadline, which the HTTP server carrying the calls does not act on.
 */
final class GrpcTimeouts {

    /** The protocol's limit on the timeout's digits. */
    private static final int MAX_DIGITS = 8;

    private GrpcTimeouts() {
    }

    /** The deadline a {@code grpc-timeout} value sets from now; null when it is not one. */
    static Deadline deadline(String timeout) {
        int digits = timeout.length() - 1;
        if (digits < 1 || digits > MAX_DIGITS) {
            return null;
        }
        long amount = 0;
        for (int i = 0; i < digits; i++) {
            char c = timeout.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            amount = amount * 10 + (c - '0');
        }
        TimeUnit unit = switch (timeout.charAt(digits)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? null : Deadline.in(amount, unit);
    }
}
