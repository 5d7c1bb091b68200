package dev.modelserving;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code app.warmup.*}: how the request paths are exercised before readiness goes UP. */
@ConfigMapping(prefix = "app.warmup")
public interface WarmupConfig {

    /**
     * Exercise the request paths once the HTTP server listens, with readiness DOWN until done; false: readiness goes UP
     * as soon as the model is loaded, and the first requests pay for the cold paths.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Rounds of the warm-up; each decodes and classifies three generated pictures and sends seven loopback requests.
     */
    @WithDefault("3")
    int rounds();

    /** Longest the whole warm-up may take; past it, readiness goes UP with what was done and a warning is logged. */
    @WithDefault("60s")
    Duration timeout();
}
