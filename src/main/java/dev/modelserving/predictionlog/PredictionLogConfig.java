package dev.modelserving.predictionlog;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Rotated files kept; the oldest beyond this are deleted. When the log is shipped to Kafka, a rotated file is
     * deleted only once it is sent, so more may be kept while the broker is away (up to {@code spool-max-bytes}).
     */
    @WithDefault("10")
    int maxFiles();

    /**
     * With Kafka: bytes of lines not yet sent that the files may hold. Beyond it the oldest unsent rotated file is
     * deleted, its lines counted in {@code prediction_log_events_dropped_total} and logged: the one way an event is
     * lost. The file being sent is kept, so the files may pass this by up to one {@code max-file-size}.
     */
    @WithDefault("1G")
    MemorySize spoolMaxBytes();

    /** The stream of predictions to Kafka, off unless {@code bootstrap-servers} is set. */
    Kafka kafka();

    interface Kafka {

        /** The brokers ({@code host:port,...}); unset: the file is the only log. */
        Optional<String> bootstrapServers();

        /** The topic every prediction is published to, keyed by model name. */
        @WithDefault("model-serving.predictions")
        String topic();

        /**
         * How long the producer keeps trying to have a batch acknowledged (or to find the broker at all) before the
         * shipper starts it again. Within it the producer's own retries never write an event twice; an outage longer
         * than this may (an acknowledgement lost, the batch sent again): the ids tell the copies apart.
         */
        @WithDefault("2m")
        Duration sendTimeout();

        /**
         * Lines sent at most before waiting for the broker's acknowledgement and recording how far it got. Under load
         * the broker's cost goes with the number of requests more than with their size: 2000 lines (about 1 MB of
         * events, one or two produce requests) cost it and the shipper less than four times 500.
         */
        @WithDefault("2000")
        int batchLines();

        /** Longest wait between attempts while the broker cannot be reached (doubling from 500 ms). */
        @WithDefault("10s")
        Duration maxRetryBackoff();

        /**
         * Further producer properties (security, TLS, SASL, compression...), passed as they are, e.g.
         * {@code app.prediction-log.kafka.properties."security.protocol"=SSL}. The delivery settings ({@code acks=all},
         * idempotence) are not overridden.
         */
        Map<String, String> properties();
    }
}
