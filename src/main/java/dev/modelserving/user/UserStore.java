package dev.modelserving.user;

import dev.modelserving.store.Page;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * Where users are kept. Holds data only; implementations must be safe for concurrent use and must not block the calling
 * thread for long (an in-memory map, or a reactive database client).
 */
public interface UserStore {

    /** Adds the user unless the username is taken; emits {@code false} when it is. */
    Uni<Boolean> insertIfAbsent(User user);

    /** Replaces a user's roles, display name and hash; emits {@code false} when there is no such user. */
    Uni<Boolean> update(User user);

    Uni<Optional<User>> find(String username);

    /** Users ordered by username. */
    Uni<Page<User>> list(int page, int size);
}
