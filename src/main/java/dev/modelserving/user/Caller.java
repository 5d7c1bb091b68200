package dev.modelserving.user;

/**
 * Who makes a request, as the services need it: a value taken from the request's identity, so that it can travel into
 * pipelines that finish on other threads.
 *
 * @param name the authenticated username
 * @param admin whether the caller has the admin role
 */
public record Caller(String name, boolean admin) {

    /**
     * The rule for anything a user owns (orders, tasks): its owner and admins may see and change it. Everybody else
     * gets a 404, so that its existence does not leak.
     */
    public boolean mayAccess(String owner) {
        return admin || name.equals(owner);
    }
}
