package dev.modelserving.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
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
}
