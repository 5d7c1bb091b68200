package dev.modelserving.predictionlog;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The shipping state in the readiness JSON, always UP: a broker that is away must not take the replica out of service —
 * predictions matter more than their log, which waits on disk meanwhile. The numbers say how far behind it is.
 */
@Readiness
@ApplicationScoped
public class PredictionLogShippingCheck implements HealthCheck {

    private final PredictionLogShipper shipper;

    public PredictionLogShippingCheck(PredictionLogShipper shipper) {
        this.shipper = shipper;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("prediction-log-shipping").up().withData("state", shipper.state());
        if (shipper.enabled()) {
            response.withData("pending", shipper.pending()).withData("lagSeconds", (long) shipper.lagSeconds())
                    .withData("sent", shipper.sentCount()).withData("dropped", shipper.droppedCount());
        }
        return response.build();
    }
}
