package dev.modelserving.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Makes password guessing slow: past {@code app.login.max-failures} failed logins for a username (or
 * {@code max-failures-per-address} from a client address) within the window, each further attempt waits, for a time
 * that doubles with every failure up to {@code max-delay}. A success forgets the failures of its username and address.
 * The key is the username as sent, whether or not it exists, so that the answers (and their timing) do not tell which
 * usernames exist.
 *
 * <p>
 * The state is this replica's memory, bounded by {@code max-tracked} entries (the least recently failed are forgotten
 * first), so that an attacker cycling through random usernames cannot grow it. With N replicas behind a load balancer a
 * client gets up to N times the attempts before it waits.
 */
@ApplicationScoped
public class LoginThrottle {

    private final LoginConfig config;
    private final Clock clock;
    private final Map<String, Failures> failures;

    /** Failures of one key: how many in the current window, when the last was, and until when it must wait. */
    private record Failures(int count, Instant last, Instant waitUntil) {
    }

    public LoginThrottle(LoginConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        int capacity = Math.max(1, config.maxTracked());
        this.failures = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > capacity;
            }
        };
    }

    /** How long this attempt must wait before it is even checked; empty when it may go ahead. */
    public synchronized Optional<Duration> waitBefore(String username, String address) {
        Instant now = clock.instant();
        Duration longest = Duration.ZERO;
        for (String key : keys(username, address)) {
            Failures known = current(key, now);
            if (known != null && known.waitUntil().isAfter(now)) {
                Duration left = Duration.between(now, known.waitUntil());
                longest = left.compareTo(longest) > 0 ? left : longest;
            }
        }
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    public synchronized void failed(String username, String address) {
        Instant now = clock.instant();
        record(userKey(username), config.maxFailures(), now);
        if (address != null) {
            record(addressKey(address), config.maxFailuresPerAddress(), now);
        }
    }

    public synchronized void succeeded(String username, String address) {
        for (String key : keys(username, address)) {
            failures.remove(key);
        }
    }

    /** How many usernames and addresses are tracked now. */
    synchronized int tracked() {
        return failures.size();
    }

    private void record(String key, int limit, Instant now) {
        Failures known = current(key, now);
        int count = known == null ? 1 : known.count() + 1;
        Instant waitUntil = count > limit ? now.plus(delay(count - limit)) : now;
        failures.put(key, new Failures(count, now, waitUntil));
    }

    /** {@code first-delay} doubled for each failure past the first over the limit, at most {@code max-delay}. */
    private Duration delay(int overLimit) {
        Duration delay = config.firstDelay().multipliedBy(1L << Math.min(30, overLimit - 1));
        return delay.compareTo(config.maxDelay()) > 0 ? config.maxDelay() : delay;
    }

    /** The failures of the key, unless the window has passed since the last one and no wait is left. */
    private Failures current(String key, Instant now) {
        Failures known = failures.get(key);
        if (known != null && known.last().plus(config.window()).isBefore(now) && !known.waitUntil().isAfter(now)) {
            failures.remove(key);
            return null;
        }
        return known;
    }

    private static String[] keys(String username, String address) {
        return address == null
                ? new String[]{userKey(username)}
                : new String[]{userKey(username), addressKey(address)};
    }

    private static String userKey(String username) {
        return "user:" + username.toLowerCase(Locale.ROOT);
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }
}
