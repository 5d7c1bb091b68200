package dev.modelserving;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is DOWN until the request paths are warmed up ({@link RequestPathWarmup}). */
@Readiness
@ApplicationScoped
public class WarmupReadinessCheck implements HealthCheck {

    private final RequestPathWarmup warmup;

    public WarmupReadinessCheck(RequestPathWarmup warmup) {
        this.warmup = warmup;
    }

    @Override
    public HealthCheckResponse call() {
        RequestPathWarmup.Outcome outcome = warmup.outcome();
        if (outcome == null) {
            return HealthCheckResponse.named("request-paths").down().withData("reason", "warming up").build();
        }
        return HealthCheckResponse.named("request-paths").up()
                .withData("warmup", outcome.summary())
                .withData("warmupMillis", outcome.millis())
                .build();
    }
}
