package dev.modelserving.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is using a model version's session, so that a version replaced by a hot swap is closed after its last request and
 * never before: requests {@link #tryAcquire} it and {@link #release} it; {@link #retire} refuses newcomers, and the
 * session closes when both have happened and nobody holds it.
 */
public final class SessionUsage {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean retired;
    private volatile Runnable onIdle = () -> {
    };

    /**
     * Takes the session for a request; false when it is retired (the caller looks the model up again and finds the
     * version that replaced it). The count goes up before the check, and {@link #retire} checks the count after its
     * flag: one of them always sees the other.
     */
    boolean tryAcquire() {
        inFlight.incrementAndGet();
        if (retired) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (inFlight.decrementAndGet() == 0 && retired) {
            closeOnce();
        }
    }

    /** No new request may take the session; it closes ({@code onIdle}) as soon as no request holds it. */
    void retire(Runnable whenIdle) {
        this.onIdle = whenIdle;
        retired = true;
        if (inFlight.get() == 0) {
            closeOnce();
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    private void closeOnce() {
        if (closed.compareAndSet(false, true)) {
            onIdle.run();
        }
    }
}
