package dev.modelserving.store;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The PostgreSQL connection pool, used only with {@code app.store=postgres}: without a datasource URL the pool bean is
 * inactive, so it is looked up on first use rather than injected. At startup, before anything reads or writes, the
 * schema is brought up to date.
 */
@ApplicationScoped
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class);
    /** A database that starts beside the service (a pod's sidecar, a compose file) gets this long to come up. */
    private static final Duration CONNECT_PATIENCE = Duration.ofSeconds(30);

    private final Instance<Pool> pools;
    private final StoreConfig config;
    private final Optional<String> url;
    private final Optional<String> username;
    private final Optional<String> password;
    private volatile Pool pool;

    public Database(Instance<Pool> pools, StoreConfig config,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.pools = pools;
        this.config = config;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    /** The pool's connection settings, for a connection of its own (one that LISTENs). */
    public PgConnectOptions connectOptions() {
        String uri = url.orElseThrow(() -> new IllegalStateException("quarkus.datasource.reactive.url is not set"))
                .replaceFirst("^vertx-reactive:", "");
        PgConnectOptions options = PgConnectOptions.fromUri(uri);
        options.setMetricsName("model-serving-listener");
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        return options;
    }

    public Pool pool() {
        Pool current = pool;
        if (current == null) {
            current = pools.get();
            pool = current;
        }
        return current;
    }

    /** Applies the schema migrations with the PostgreSQL store (first in the startup); nothing in memory mode. */
    public void migrate() {
        if (!config.postgres()) {
            return;
        }
        long started = System.nanoTime();
        int applied = new SchemaMigrations(pool()).apply()
                .onFailure().invoke(failure -> LOG.warnf("Schema migration not done yet: %s", failure.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(5))
                .expireIn(CONNECT_PATIENCE.toMillis())
                .await().atMost(CONNECT_PATIENCE.plusSeconds(30));
        LOG.infof("PostgreSQL store ready: %d migration(s) applied in %d ms", applied,
                (System.nanoTime() - started) / 1_000_000);
    }
}
