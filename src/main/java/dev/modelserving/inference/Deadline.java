package dev.modelserving.inference;

import java.util.concurrent.TimeUnit;

/**
 * When the caller stops waiting for an answer (a gRPC deadline, a V2 {@code timeout} parameter), on
 * {@link System#nanoTime()}'s clock; work still queued then is dropped instead of run.
 */
public record Deadline(long nanoTime) {

    /** No deadline: the caller waits as long as it takes. */
    public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    /** A deadline {@code amount} from now; NONE when it is so far away that it would overflow. */
    public static Deadline in(long amount, TimeUnit unit) {
        long nanos = unit.toNanos(amount);
        long now = System.nanoTime();
        return nanos >= Long.MAX_VALUE / 2 ? NONE : new Deadline(now + nanos);
    }

    public boolean passed(long now) {
        return nanoTime != Long.MAX_VALUE && now - nanoTime > 0;
    }

    /** The sooner of the two. */
    public Deadline orSooner(Deadline other) {
        if (nanoTime == Long.MAX_VALUE) {
            return other;
        }
        if (other.nanoTime == Long.MAX_VALUE) {
            return this;
        }
        return other.nanoTime - nanoTime < 0 ? other : this;
    }
}
