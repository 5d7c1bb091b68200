package dev.modelserving.user;

import dev.modelserving.store.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** The embedded default: users live as long as the process. */
@ApplicationScoped
@Typed(InMemoryUserStore.class)
public class InMemoryUserStore implements UserStore {

    /** Sorted, so that listing pages are stable without copying and sorting on every call. */
    private final ConcurrentSkipListMap<String, User> users = new ConcurrentSkipListMap<>();

    @Override
    public Uni<Boolean> insertIfAbsent(User user) {
        return Uni.createFrom().item(users.putIfAbsent(user.username(), user) == null);
    }

    @Override
    public Uni<Boolean> update(User user) {
        return Uni.createFrom().item(users.replace(user.username(), user) != null);
    }

    @Override
    public Uni<Optional<User>> find(String username) {
        return Uni.createFrom().item(Optional.ofNullable(users.get(username)));
    }

    @Override
    public Uni<Page<User>> list(int page, int size) {
        return Uni.createFrom().item(() -> new Page<>(
                users.values().stream().skip((long) page * size).limit(size).toList(), users.size()));
    }
}
