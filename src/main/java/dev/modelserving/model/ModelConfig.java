package dev.modelserving.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code app.model.*}: which model is served and how it is run. */
@ConfigMapping(prefix = "app.model")
public interface ModelConfig {

    /** The classpath folder of the bundled model: model.onnx, labels.json, model.sha256. */
    String BUNDLED = "models/fashion-mnist/";

    /** Name under which the model is served (V2 paths, /model, the prediction log). */
    @WithDefault("fashion-mnist")
    String name();

    /** Version reported for the model. */
    @WithDefault("1")
    String version();

    /** An ONNX file to serve instead of the bundled model. */
    Optional<String> path();

    /** JSON array of the output labels, in output order; required with {@code app.model.path}. */
    Optional<String> labelsPath();

    /**
     * Expected sha256 (hex) of the model file; startup fails on a mismatch. The bundled model is always checked against
     * the checksum shipped with it.
     */
    Optional<String> sha256();

    /** ONNX Runtime intra-op threads per inference; 1 keeps many concurrent requests from oversubscribing cores. */
    @WithDefault("1")
    int intraOpThreads();

    /** Fail startup (non-zero exit) when the model cannot be loaded; false keeps serving with readiness DOWN. */
    @WithDefault("true")
    boolean failFast();

    /** Inferences run at startup before readiness goes UP, so that the first request is not the slow one. */
    @WithDefault("3")
    int warmupRuns();

    /** Largest batch accepted by one inference call (V2 infer). */
    @WithDefault("256")
    int maxBatch();

    /** How requests' rows are grouped into model runs ({@code app.model.batching.*}). */
    Batching batching();

    /**
     * Synchronous inference (/predictions, V2 infer) runs on a few runner threads; rows of requests that queue up while
     * a run is in progress go into the next run together.
     */
    interface Batching {

        /** Runner threads; default: the number of available processors. */
        OptionalInt threads();

        /** Rows at most in one model run; a single request with more runs alone. */
        @WithDefault("32")
        int maxRows();

        /** Requests waiting for a runner at most; one more gets 503 with Retry-After. */
        @WithDefault("1000")
        int queueCapacity();

        default int threadCount() {
            return threads().orElse(Runtime.getRuntime().availableProcessors());
        }
    }
}
