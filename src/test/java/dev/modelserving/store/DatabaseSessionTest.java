package dev.modelserving.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelserving.support.PostgresResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The settings every pooled PostgreSQL session gets (the pom's PostgreSQL test run). */
@QuarkusTest
class DatabaseSessionTest {

    @Inject
    Database database;

    @Test
    void aSessionIdleInATransactionIsEndedByTheServerSoThatItsLocksAreNotHeldForever() {
        assumeTrue(PostgresResource.enabled(), "the in-memory run has no database");
        String timeout = database.pool().query("SHOW idle_in_transaction_session_timeout").execute()
                .map(rows -> rows.iterator().next().getString(0)).await().atMost(Duration.ofSeconds(10));
        assertThat(timeout).isEqualTo("10s");
    }
}
