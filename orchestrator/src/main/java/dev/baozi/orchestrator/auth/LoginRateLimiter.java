package dev.baozi.orchestrator.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing: failed logins are counted per user name (lower-cased) and per client
 * address over a sliding window (15 minutes). From the 5th failure for a name, or the 20th from an
 * address, further attempts are refused until the oldest failure counted leaves the window. A
 * successful login clears its name's failures; an address's stay (one good account must not
 * reset an address that is guessing at others).
 *
 * <p>In memory and per process: a restart forgets. At most {@code maxTracked} names and as many
 * addresses are remembered; when full, expired entries go first, then the least recently failed.
 */
public final class LoginRateLimiter {

    public static final Duration WINDOW = Duration.ofMinutes(15);
    public static final int NAME_LIMIT = 5;
    public static final int ADDRESS_LIMIT = 20;
    private static final int MAX_TRACKED = 10_000;
    /** Longer keys are cut: no user name is longer, and an attacker's long strings must not fill the heap. */
    private static final int MAX_KEY_LENGTH = 128;

    private final Clock clock;
    private final Duration window;
    private final Failures byName;
    private final Failures byAddress;

    public LoginRateLimiter(Clock clock) {
        this(clock, WINDOW, NAME_LIMIT, ADDRESS_LIMIT, MAX_TRACKED);
    }

    public LoginRateLimiter(Clock clock, Duration window, int nameLimit, int addressLimit, int maxTracked) {
        if (window.isZero() || window.isNegative() || nameLimit < 1 || addressLimit < 1 || maxTracked < 1) {
            throw new IllegalArgumentException("a login rate limit needs a positive window, limits and capacity");
        }
        this.clock = clock;
        this.window = window;
        this.byName = new Failures(nameLimit, maxTracked);
        this.byAddress = new Failures(addressLimit, maxTracked);
    }

    /** How long until an attempt for {@code name} from {@code address} may be made; empty when it may be made now. */
    public synchronized Optional<Duration> retryAfter(String name, String address) {
        Instant now = clock.instant();
        Duration wait = max(byName.wait(nameKey(name), now), byAddress.wait(addressKey(address), now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    /** Counts a failed attempt against {@code name} and {@code address} (which may be null: not counted). */
    public synchronized void failed(String name, String address) {
        Instant now = clock.instant();
        byName.add(nameKey(name), now);
        String addressKey = addressKey(address);
        if (addressKey != null) {
            byAddress.add(addressKey, now);
        }
    }

    /** A successful login: {@code name}'s failures are forgotten. */
    public synchronized void succeeded(String name) {
        byName.entries.remove(nameKey(name));
    }

    /** Names and addresses currently remembered (for tests of the bound). */
    synchronized int tracked() {
        return byName.entries.size() + byAddress.entries.size();
    }

    private static String nameKey(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return key.length() > MAX_KEY_LENGTH ? key.substring(0, MAX_KEY_LENGTH) : key;
    }

    private static String addressKey(String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        String key = address.strip().toLowerCase(Locale.ROOT);
        return key.length() > MAX_KEY_LENGTH ? key.substring(0, MAX_KEY_LENGTH) : key;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The recent failure times of each key, oldest first, at most {@code limit} per key. */
    private final class Failures {
        private final int limit;
        private final int capacity;
        /** Insertion order is last-failure order: a key is moved to the end on each failure. */
        private final LinkedHashMap<String, ArrayDeque<Instant>> entries = new LinkedHashMap<>();

        Failures(int limit, int capacity) {
            this.limit = limit;
            this.capacity = capacity;
        }

        Duration wait(String key, Instant now) {
            if (key == null) {
                return Duration.ZERO;
            }
            ArrayDeque<Instant> times = entries.get(key);
            if (times == null) {
                return Duration.ZERO;
            }
            prune(times, now);
            if (times.isEmpty()) {
                entries.remove(key);
                return Duration.ZERO;
            }
            if (times.size() < limit) {
                return Duration.ZERO;
            }
            // The oldest kept failure must leave the window before the count drops below the limit.
            Duration wait = Duration.between(now, times.peekFirst().plus(window));
            return wait.isNegative() || wait.isZero() ? Duration.ZERO : wait;
        }

        void add(String key, Instant now) {
            ArrayDeque<Instant> times = entries.remove(key);
            if (times == null) {
                makeRoom(now);
                times = new ArrayDeque<>(limit);
            }
            prune(times, now);
            times.addLast(now);
            while (times.size() > limit) {
                times.removeFirst();
            }
            entries.put(key, times);
        }

        private void prune(ArrayDeque<Instant> times, Instant now) {
            Instant horizon = now.minus(window);
            while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
                times.removeFirst();
            }
        }

        private void makeRoom(Instant now) {
            if (entries.size() < capacity) {
                return;
            }
            Instant horizon = now.minus(window);
            entries.values().removeIf(times -> times.isEmpty() || !times.peekLast().isAfter(horizon));
            Iterator<Map.Entry<String, ArrayDeque<Instant>>> eldest = entries.entrySet().iterator();
            while (entries.size() >= capacity && eldest.hasNext()) {
                eldest.next();
                eldest.remove();
            }
        }
    }
}
