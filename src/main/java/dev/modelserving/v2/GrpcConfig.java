package dev.modelserving.v2;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code app.grpc.*}: the Open Inference Protocol's gRPC service. */
@ConfigMapping(prefix = "app.grpc")
public interface GrpcConfig {

    /**
     * Largest gRPC message accepted (the same 16 MiB as an HTTP body); a larger one ends its call with
     * {@code RESOURCE_EXHAUSTED} as soon as its length is read, before any of it is buffered.
     */
    @WithDefault("16M")
    MemorySize maxMessageSize();
}
