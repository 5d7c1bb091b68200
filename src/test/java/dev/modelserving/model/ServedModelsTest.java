package dev.modelserving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.problem.ResourceNotFoundException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The registry's answers for models that are loading or unknown, and the rule that closes a replaced session. */
class ServedModelsTest {

    @Test
    void aModelStillLoadingIsA503WithRetryAfterAndAnUnknownOneA404() {
        ServedModels served = new ServedModels();
        served.put(ServedModels.Model.loading("colours"));
        assertThatThrownBy(() -> served.require("colours", null)).isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("model 'colours' is LOADING")
                .satisfies(e -> assertThat(((ModelNotReadyException) e).headers()).containsKey("Retry-After"));
        assertThatThrownBy(() -> served.require("shapes", null)).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Model 'shapes' not found; this server serves colours");
        assertThat(served.index()).extracting(ServedModels.IndexEntry::state).containsExactly("LOADING");
    }

    @Test
    void aRetiredSessionClosesOnceAfterItsLastHolderAndTakesNoNewOnes() {
        SessionUsage usage = new SessionUsage();
        AtomicInteger closed = new AtomicInteger();
        assertThat(usage.tryAcquire()).isTrue();
        assertThat(usage.tryAcquire()).isTrue();
        usage.retire(closed::incrementAndGet);
        assertThat(usage.tryAcquire()).as("a newcomer looks again and finds the successor").isFalse();
        usage.release();
        assertThat(closed).as("one request still holds it").hasValue(0);
        usage.release();
        assertThat(closed).hasValue(1);
        usage.retire(closed::incrementAndGet);
        assertThat(closed).as("closed once only").hasValue(1);
    }

    @Test
    void anIdleSessionClosesAsSoonAsItIsRetired() {
        SessionUsage usage = new SessionUsage();
        AtomicInteger closed = new AtomicInteger();
        usage.retire(closed::incrementAndGet);
        assertThat(closed).hasValue(1);
    }
}
