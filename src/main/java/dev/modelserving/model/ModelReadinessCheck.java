package dev.modelserving.model;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is DOWN, with the reason, until the model is loaded and warmed up. */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final ServedModel served;

    public ModelReadinessCheck(ServedModel served) {
        this.served = served;
    }

    @Override
    public HealthCheckResponse call() {
        return served.current()
                .map(model -> HealthCheckResponse.named("model").up()
                        .withData("name", model.metadata().name())
                        .withData("version", model.metadata().version())
                        .withData("loadMillis", model.metadata().loadMillis())
                        .build())
                .orElseGet(() -> HealthCheckResponse.named("model").down()
                        .withData("reason", served.notReadyReason())
                        .build());
    }
}
