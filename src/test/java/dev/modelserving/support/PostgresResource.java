package dev.modelserving.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives every application the tests start its own, empty PostgreSQL database when the suite runs with
 * {@code -Dapp.store=postgres} (the pom's second test run); with the in-memory stores it does nothing.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    public static boolean enabled() {
        return "postgres".equalsIgnoreCase(System.getProperty("app.store", "memory"));
    }

    @Override
    public Map<String, String> start() {
        if (!enabled()) {
            return Map.of();
        }
        String url = PostgresServer.shared().newDatabase();
        return Map.of("quarkus.datasource.reactive.url", url, "quarkus.datasource.username", "postgres");
    }

    @Override
    public void stop() {
        // The shared server stops when the test JVM exits.
    }
}
