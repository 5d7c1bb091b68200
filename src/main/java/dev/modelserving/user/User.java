package dev.modelserving.user;

import java.time.Instant;
import java.util.Set;

/**
 * A registered user as stored. The password exists only as its bcrypt hash and never leaves the service: responses use
 * {@link UserView}.
 */
public record User(String username, String displayName, String passwordHash, Set<String> roles, Instant createdAt) {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ADMIN = "admin";

    public User {
        roles = Set.copyOf(roles);
    }

    public boolean isAdmin() {
        return roles.contains(ROLE_ADMIN);
    }
}
