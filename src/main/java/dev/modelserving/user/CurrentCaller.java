package dev.modelserving.user;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;

/** The authenticated caller of the current request, for resources (which live longer than a request). */
@ApplicationScoped
public class CurrentCaller {

    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** Only for an authenticated request (an {@code @Authenticated} operation). */
    public Caller get() {
        return new Caller(identity.getPrincipal().getName(), identity.hasRole(User.ROLE_ADMIN));
    }
}
