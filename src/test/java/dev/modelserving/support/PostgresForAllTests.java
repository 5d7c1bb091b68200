package dev.modelserving.support;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers {@link PostgresResource} for every {@code @QuarkusTest}, whatever its profile. */
@QuarkusTestResource(PostgresResource.class)
public final class PostgresForAllTests {

    private PostgresForAllTests() {
    }
}
