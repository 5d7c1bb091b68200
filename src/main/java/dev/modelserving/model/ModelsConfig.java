package dev.modelserving.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** {@code app.models.*}: where the models come from and which one answers requests that name none. */
@ConfigMapping(prefix = "app.models")
public interface ModelsConfig {

    /**
     * A model repository directory: {@code <name>/config.json} and {@code <name>/<version>/model.onnx}. Unset: the
     * repository bundled in the application (the Fashion-MNIST classifier, version 1).
     */
    Optional<String> repository();

    /**
     * The model that {@code /predictions}, orders, {@code /model} and the command line use when none is named. Unset:
     * {@code fashion-mnist}, or the repository's only model when there is one.
     */
    @WithName("default")
    Optional<String> defaultName();

    /**
     * How often the repository directory is checked for new, changed and removed model versions, which are then swapped
     * in without downtime. Unset: never (Triton's explicit mode); {@code POST /v2/repository/models/{name}/load} still
     * reloads a model at once.
     */
    Optional<Duration> pollInterval();
}
