package dev.modelserving.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * {@code app.store}: where users, orders and tasks live. {@code memory} (the default) keeps them in this process — the
 * command line, dev mode, a single replica; {@code postgres} keeps them in the PostgreSQL database of
 * {@code quarkus.datasource.reactive.url}, shared by every replica, with a durable task queue.
 */
@ConfigMapping(prefix = "app.store")
public interface StoreConfig {

    @WithParentName
    @WithDefault("memory")
    Kind kind();

    enum Kind {
        MEMORY,
        POSTGRES
    }

    default boolean postgres() {
        return kind() == Kind.POSTGRES;
    }
}
