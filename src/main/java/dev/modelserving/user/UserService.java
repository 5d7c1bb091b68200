package dev.modelserving.user;

import dev.modelserving.problem.ConflictException;
import dev.modelserving.problem.ResourceNotFoundException;
import dev.modelserving.store.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/** Registration and lookup of users. */
@ApplicationScoped
public class UserService {

    private final UserStore store;
    private final PasswordHasher hasher;
    private final Clock clock;

    public UserService(UserStore store, PasswordHasher hasher, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** Registers a user with the role {@code user}; fails with 409 when the username is taken. */
    public Uni<User> register(CreateUserRequest request) {
        return create(request.username(), request.password(), request.displayName(), Set.of(User.ROLE_USER))
                .map(created -> created.orElseThrow(() -> new ConflictException(
                        "Username '" + request.username() + "' is already taken")));
    }

    /**
     * Creates the user, or emits empty when the username is taken. The password is hashed first, so a duplicate costs
     * one hash; checking first would not close the race between two registrations anyway.
     */
    public Uni<Optional<User>> create(String username, String password, String displayName, Set<String> roles) {
        String shownName = displayName == null || displayName.isBlank() ? username : displayName.strip();
        return hasher.hash(password)
                .map(hash -> new User(username, shownName, hash, roles, now()))
                .flatMap(user -> store.insertIfAbsent(user)
                        .map(inserted -> inserted ? Optional.of(user) : Optional.empty()));
    }

    /**
     * Makes sure the user exists with this password and these roles: creates it, or updates the existing one (keeping
     * its display name and creation time). Emits {@code true} when it was created.
     */
    public Uni<Boolean> ensure(String username, String password, String displayName, Set<String> roles) {
        return hasher.hash(password).flatMap(hash -> {
            User fresh = new User(username, displayName, hash, roles, now());
            return store.insertIfAbsent(fresh).flatMap(inserted -> inserted
                    ? Uni.createFrom().item(true)
                    : get(username).flatMap(existing -> store.update(new User(username, existing.displayName(), hash,
                            roles, existing.createdAt()))).map(updated -> false));
        });
    }

    /** Stores a new hash of the user's (just verified) password, in the current format. */
    public Uni<User> rehash(User user, String password) {
        return hasher.hash(password).flatMap(hash -> {
            User rehashed = new User(user.username(), user.displayName(), hash, user.roles(), user.createdAt());
            return store.update(rehashed).replaceWith(rehashed);
        });
    }

    public Uni<User> get(String username) {
        return store.find(username).map(found -> found.orElseThrow(
                () -> new ResourceNotFoundException("User '" + username + "' not found")));
    }

    public Uni<Optional<User>> find(String username) {
        return store.find(username);
    }

    public Uni<Page<User>> list(int page, int size) {
        return store.list(page, size);
    }

    private Instant now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    }
}
