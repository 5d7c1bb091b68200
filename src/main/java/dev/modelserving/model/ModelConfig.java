package dev.modelserving.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/** {@code app.model.*}: how models are run. Which models are served: {@link ModelsConfig}. */
@ConfigMapping(prefix = "app.model")
public interface ModelConfig {

    // The single-model keys of earlier versions, replaced by the repository (ModelsConfig). They are declared so that a
    // start with one of them set fails with a message naming the new key rather than "does not map to any root".

    /** Removed: set, the start fails naming {@code app.models.repository}. */
    Optional<String> path();

    /** Removed: labels are in the model's config.json. */
    Optional<String> labelsPath();

    /** Removed: a model.sha256 beside the model file pins it. */
    Optional<String> sha256();

    /** Removed: the model's name is its directory in the repository. */
    Optional<String> name();

    /** Removed: the version is the model file's directory. */
    Optional<String> version();

    /** Stops the start when a removed key is set, naming the keys that replace it. */
    default void requireNoRemovedKeys() {
        Set<String> removed = removedKeysSet().keySet();
        if (!removed.isEmpty()) {
            throw new IllegalStateException(String.join(", ", removed) + (removed.size() == 1 ? " is" : " are")
                    + " no longer read: models are served from a model repository. Set app.models.repository to a "
                    + "directory holding <name>/config.json (labels, image settings) and <name>/<version>/model.onnx "
                    + "(with an optional model.sha256 beside it), and app.models.default to the model's name; see "
                    + "the README, \"Serve your own model\"");
        }
    }

    /** The removed keys that are set, by name. */
    default Map<String, String> removedKeysSet() {
        Map<String, String> set = new TreeMap<>();
        path().ifPresent(value -> set.put("app.model.path", value));
        labelsPath().ifPresent(value -> set.put("app.model.labels-path", value));
        sha256().ifPresent(value -> set.put("app.model.sha256", value));
        name().ifPresent(value -> set.put("app.model.name", value));
        version().ifPresent(value -> set.put("app.model.version", value));
        return set;
    }

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
