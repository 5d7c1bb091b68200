package dev.modelserving.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * What keeps an in-memory store bounded: its ended entries in the order they ended, each with a weight (1 for a task,
 * its items for an order), so that the store keeps at most a total weight and evicts by age, oldest ended first either
 * way. The store owns the entries; this queue tells it which to evict, through {@code evict}, which answers whether the
 * entry was still there. Evictions are counted by reason and logged once per age sweep. Thread-safe.
 */
public final class EndedQueue {

    private static final Logger LOG = Logger.getLogger(EndedQueue.class);

    private record Ended(String id, long weight, Instant at) {
    }

    private final ConcurrentLinkedQueue<Ended> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicInteger overBoundSinceSweep = new AtomicInteger();
    private final String what;
    private final String bound;
    private final long maxTotal;
    private final Counter evictedOverBound;
    private final Counter evictedByAge;

    /**
     * @param what the entries' plural name, e.g. {@code tasks}; the counter is {@code <what>.evicted}
     * @param bound the setting behind {@code maxTotal}, named in the log; its last segment tags the counter
     * @param maxTotal the most total weight kept
     */
    public EndedQueue(String what, String bound, long maxTotal, MeterRegistry metrics) {
        this.what = what;
        this.bound = bound;
        this.maxTotal = maxTotal;
        this.evictedOverBound = evictions(metrics, bound.substring(bound.lastIndexOf('.') + 1));
        this.evictedByAge = evictions(metrics, "retention");
    }

    private Counter evictions(MeterRegistry metrics, String reason) {
        return Counter.builder(what + ".evicted").tag("reason", reason)
                .description("Ended " + what + " the in-memory store evicted, by the bound that evicted them")
                .register(metrics);
    }

    /**
     * Records an entry that ended at {@code at}, then evicts the oldest ended while the total is over the bound — never
     * this one, which its owner is about to ask for. Call it outside any operation on the store's map.
     */
    public void ended(String id, long weight, Instant at, Predicate<String> evict) {
        queue.add(new Ended(id, weight, at));
        total.addAndGet(weight);
        while (total.get() > maxTotal) {
            Ended oldest = queue.peek();
            if (oldest == null || oldest.id().equals(id)) {
                return;
            }
            if (take(oldest) && evict.test(oldest.id())) {
                evictedOverBound.increment();
                overBoundSinceSweep.incrementAndGet();
            }
        }
    }

    /** Evicts the entries that ended before {@code cutoff}, oldest first; returns how many were still there. */
    public int evictEndedBefore(Instant cutoff, Predicate<String> evict) {
        int evicted = 0;
        // In the order they ended, so the first one young enough ends the sweep.
        for (Ended oldest = queue.peek(); oldest != null && oldest.at().isBefore(cutoff); oldest = queue.peek()) {
            if (take(oldest) && evict.test(oldest.id())) {
                evicted++;
            }
        }
        evictedByAge.increment(evicted);
        int overBound = overBoundSinceSweep.getAndSet(0);
        if (evicted > 0 || overBound > 0) {
            LOG.infof("Evicted %d ended %s past their retention and %d beyond %s=%d since the last sweep", evicted,
                    what, overBound, bound, maxTotal);
        }
        return evicted;
    }

    private boolean take(Ended entry) {
        if (!queue.remove(entry)) {
            return false; // another thread took it
        }
        total.addAndGet(-entry.weight());
        return true;
    }
}
