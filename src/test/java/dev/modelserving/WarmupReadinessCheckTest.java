package dev.modelserving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.support.TestConfigs;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Readiness before the warm-up has run, and when it is switched off. */
class WarmupReadinessCheckTest {

    private static RequestPathWarmup warmup(String enabled) {
        return new RequestPathWarmup(TestConfigs.mapping(WarmupConfig.class, Map.of("app.warmup.enabled", enabled)),
                null, null, null, null, null);
    }

    @Test
    void downUntilTheWarmupHasRun() {
        HealthCheckResponse response = new WarmupReadinessCheck(warmup("true")).call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData()).hasValueSatisfying(data -> assertThat(data).containsEntry("reason",
                "warming up"));
    }

    @Test
    void upAtOnceWhenSwitchedOff() {
        HealthCheckResponse response = new WarmupReadinessCheck(warmup("false")).call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData()).hasValueSatisfying(data -> assertThat(String.valueOf(data.get("warmup")))
                .startsWith("disabled"));
    }
}
