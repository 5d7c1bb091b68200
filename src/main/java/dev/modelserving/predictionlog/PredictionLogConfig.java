package dev.modelserving.predictionlog;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code app.prediction-log.*}: the JSON-lines file every prediction is appended to. */
@ConfigMapping(prefix = "app.prediction-log")
public interface PredictionLogConfig {

    /** Whether predictions are logged at all (the {@code predict} command turns it off). */
    @WithDefault("true")
    boolean enabled();

    /** The file lines are appended to; its folder is created when missing. */
    @WithDefault("logs/predictions.jsonl")
    String path();

    /** How often buffered lines are written. */
    @WithDefault("1s")
    Duration flushInterval();

    /** Lines buffered before a flush is started early, without waiting for the interval. */
    @WithDefault("10000")
    int bufferSize();

    /**
     * Lines kept in memory at most while the file cannot be written (a full or failing disk); beyond it the oldest are
     * dropped and counted in {@code prediction_log_lines_dropped_total}, rather than growing until the process runs out
     * of memory. About 300 bytes a line.
     */
    @WithDefault("100000")
    int maxPendingLines();

    /**
     * Size at which the file is rotated: renamed to {@code <name>-<sequence>-<UTC time>.jsonl} beside it, and a new one
     * begun. Lines are never split across files.
     */
    @WithDefault("100M")
    MemorySize maxFileSize();

    /** Rotated files kept; the oldest beyond this are deleted. */
    @WithDefault("10")
    int maxFiles();
}
