package dev.modelserving;

import dev.modelserving.order.InMemoryOrderStore;
import dev.modelserving.order.OrderStore;
import dev.modelserving.order.PgOrderStore;
import dev.modelserving.store.StoreConfig;
import dev.modelserving.task.InMemoryTaskStore;
import dev.modelserving.task.PgTaskStore;
import dev.modelserving.task.TaskStore;
import dev.modelserving.user.InMemoryUserStore;
import dev.modelserving.user.PgUserStore;
import dev.modelserving.user.UserStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * Chooses the stores by {@code app.store}, at startup rather than at build time, so that one binary runs both ways. The
 * stores of one kind are chosen together: a task and the order it fills are written in one step.
 */
@ApplicationScoped
public class Stores {

    private final StoreConfig config;

    public Stores(StoreConfig config) {
        this.config = config;
    }

    @Produces
    @ApplicationScoped
    UserStore users(Instance<InMemoryUserStore> memory, Instance<PgUserStore> postgres) {
        return pick(memory, postgres);
    }

    @Produces
    @ApplicationScoped
    OrderStore orders(Instance<InMemoryOrderStore> memory, Instance<PgOrderStore> postgres) {
        return pick(memory, postgres);
    }

    @Produces
    @ApplicationScoped
    TaskStore tasks(Instance<InMemoryTaskStore> memory, Instance<PgTaskStore> postgres) {
        return pick(memory, postgres);
    }

    private <T> T pick(Instance<? extends T> memory, Instance<? extends T> postgres) {
        return config.postgres() ? postgres.get() : memory.get();
    }
}
