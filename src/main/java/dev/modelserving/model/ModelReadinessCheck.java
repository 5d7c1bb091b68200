package dev.modelserving.model;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN, with the reason, until every model of the repository has been loaded (or found unusable) and the
 * default one is ready. Models that cannot be served are named in the data without turning readiness DOWN: the others
 * serve.
 */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    private final ServedModels served;

    public ModelReadinessCheck(ServedModels served) {
        this.served = served;
    }

    @Override
    public HealthCheckResponse call() {
        return served.current()
                .map(model -> {
                    var up = HealthCheckResponse.named("model").up()
                            .withData("name", model.metadata().name())
                            .withData("version", model.metadata().version())
                            .withData("loadMillis", model.metadata().loadMillis());
                    String unavailable = served.index().stream()
                            .filter(entry -> !entry.state().equals(ServedModels.State.READY.name()))
                            .map(entry -> entry.name() + (entry.version().isEmpty() ? "" : "@" + entry.version()))
                            .collect(Collectors.joining(", "));
                    return (unavailable.isEmpty() ? up : up.withData("unavailable", unavailable)).build();
                })
                .orElseGet(() -> HealthCheckResponse.named("model").down()
                        .withData("reason", served.notReadyReason())
                        .build());
    }
}
