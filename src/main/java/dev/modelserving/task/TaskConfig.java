package dev.modelserving.task;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/** {@code app.tasks.*}: the background worker pool and how long finished tasks are kept. */
@ConfigMapping(prefix = "app.tasks")
public interface TaskConfig {

    /** Worker threads running tasks; default: the number of available processors. */
    OptionalInt workers();

    /** Tasks waiting for a worker; one more is refused with 429. */
    @WithDefault("1000")
    int queueCapacity();

    /** How long a finished task stays visible before the janitor evicts it. */
    @WithDefault("1h")
    Duration retention();

    /** How often the janitor looks for finished tasks past their retention. */
    @WithDefault("1m")
    Duration janitorInterval();

    /** Longest {@code ?wait=} a client may ask for on {@code GET /tasks/{id}}. */
    @WithDefault("30s")
    Duration maxWait();

    default int workerCount() {
        return workers().orElse(Runtime.getRuntime().availableProcessors());
    }
}
