package dev.modelserving.task;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code app.tasks.*}: the background worker pool, the task queue's leases, and how long ended tasks are kept. */
@ConfigMapping(prefix = "app.tasks")
public interface TaskConfig {

    /** Worker threads running tasks on this replica; default: the number of available processors. */
    OptionalInt workers();

    /** Tasks waiting beyond those the workers run; one more is refused with 429. */
    @WithDefault("1000")
    int queueCapacity();

    /** How long an ended task stays visible before the janitor evicts it. */
    @WithDefault("1h")
    Duration retention();

    /**
     * In-memory store only: ended tasks kept at most (about 1 KiB each); beyond it the oldest ended are evicted first,
     * before their retention. PostgreSQL keeps them for the retention.
     */
    @WithDefault("10000")
    int maxEnded();

    /**
     * In-memory store only: memory the inputs of unfinished tasks may take (an order's decoded pictures, 3 KiB each); a
     * submission beyond it is refused with 429. PostgreSQL keeps inputs in the database.
     */
    @WithDefault("32M")
    MemorySize maxInputMemory();

    /** How often the janitor looks for ended tasks past their retention. */
    @WithDefault("1m")
    Duration janitorInterval();

    /** Longest {@code ?wait=} a client may ask for on {@code GET /tasks/{id}}. */
    @WithDefault("30s")
    Duration maxWait();

    /**
     * How long a worker holds a task without a heartbeat (it renews every third of it). A replica that dies or stalls
     * loses its tasks this long after its last heartbeat.
     */
    @WithDefault("30s")
    Duration lease();

    /** Attempts a task gets when its workers are lost (killed, stalled); then it FAILS. */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before a rescued task runs again; doubled for each attempt already made. */
    @WithDefault("2s")
    Duration retryBackoff();

    /** How often this replica looks for tasks submitted elsewhere (with up to 25% jitter). */
    @WithDefault("1s")
    Duration pollInterval();

    /** How often this replica looks for running tasks whose lease expired. */
    @WithDefault("5s")
    Duration sweepInterval();

    /** This replica's name in the task table; default: host name and process id. */
    Optional<String> workerId();

    default int workerCount() {
        return workers().orElse(Runtime.getRuntime().availableProcessors());
    }
}
