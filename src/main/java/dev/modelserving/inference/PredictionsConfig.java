package dev.modelserving.inference;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code app.predictions.*}: limits on the pictures sent for classification. */
@ConfigMapping(prefix = "app.predictions")
public interface PredictionsConfig {

    /** Largest image body accepted by {@code POST /predictions}; larger ones get 413. */
    @WithDefault("1M")
    MemorySize maxImageBytes();

    /**
     * Largest picture (width x height) decoded; larger ones get 422. A small compressed file can declare a huge
     * picture, and decoding it would take that many pixels of memory.
     */
    @WithDefault("16777216")
    long maxImagePixels();

    /**
     * Most pixels decoded for one request, summed over its pictures as their headers declare them (an order carries
     * many); beyond it 422. Decoding costs CPU in proportion to the declared size, however small the file.
     */
    @WithDefault("67108864")
    long maxRequestPixels();
}
