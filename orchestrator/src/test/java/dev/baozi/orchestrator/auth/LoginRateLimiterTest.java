package dev.baozi.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LoginRateLimiterTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private final LoginRateLimiter limiter = new LoginRateLimiter(clock);

    private void fail(String name, String address, int times, Duration apart) {
        for (int i = 0; i < times; i++) {
            assertThat(limiter.retryAfter(name, address)).as("attempt %s", i + 1).isEmpty();
            limiter.failed(name, address);
            clock.advance(apart);
        }
    }

    @Test
    void after_five_failures_for_a_name_the_next_attempt_waits_until_the_oldest_leaves_the_window() {
        fail("alice", "10.0.0.1", 5, Duration.ofMinutes(1));

        // failures at 10:00..10:04, now 10:05: the first leaves the window at 10:15
        assertThat(limiter.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofMinutes(10));
        assertThat(limiter.retryAfter("alice", "10.0.0.99")).as("from elsewhere too").hasValue(Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(limiter.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.retryAfter("alice", "10.0.0.1")).isEmpty();
    }

    @Test
    void four_failures_do_not_limit_and_other_names_are_not_affected() {
        fail("alice", "10.0.0.1", 4, Duration.ofSeconds(1));

        assertThat(limiter.retryAfter("alice", "10.0.0.1")).isEmpty();
        fail("alice", "10.0.0.1", 1, Duration.ZERO);
        assertThat(limiter.retryAfter("alice", "10.0.0.1")).isPresent();
        assertThat(limiter.retryAfter("bob", "10.0.0.2")).isEmpty();
    }

    @Test
    void a_name_is_counted_whatever_its_case_and_surrounding_space() {
        fail("Alice", null, 2, Duration.ZERO);
        fail("ALICE ", null, 2, Duration.ZERO);
        fail(" alice", null, 1, Duration.ZERO);

        assertThat(limiter.retryAfter("alice", null)).isPresent();
    }

    @Test
    void twenty_failures_from_one_address_limit_every_name_from_it() {
        for (int i = 0; i < 20; i++) {
            fail("user" + i, "192.0.2.7", 1, Duration.ofSeconds(10));
        }

        assertThat(limiter.retryAfter("someone-new", "192.0.2.7")).hasValue(Duration.ofMinutes(15).minusSeconds(200));
        assertThat(limiter.retryAfter("someone-new", "192.0.2.8")).isEmpty();
    }

    @Test
    void a_success_forgets_the_names_failures_but_not_the_addresses() {
        fail("alice", "192.0.2.7", 4, Duration.ZERO);
        for (int i = 0; i < 16; i++) {
            fail("user" + i, "192.0.2.7", 1, Duration.ZERO);
        }

        limiter.succeeded("ALICE");

        assertThat(limiter.retryAfter("alice", "192.0.2.8")).isEmpty();
        fail("alice", "192.0.2.8", 4, Duration.ZERO);
        assertThat(limiter.retryAfter("alice", "192.0.2.8")).as("the count started again").isEmpty();
        assertThat(limiter.retryAfter("alice", "192.0.2.7")).as("the address still has 20").isPresent();
    }

    @Test
    void failures_older_than_the_window_no_longer_count() {
        fail("alice", null, 4, Duration.ZERO);
        clock.advance(Duration.ofMinutes(15));

        fail("alice", null, 4, Duration.ZERO);

        assertThat(limiter.retryAfter("alice", null)).isEmpty();
    }

    @Test
    void memory_stays_bounded_however_many_names_and_addresses_fail() {
        var small = new LoginRateLimiter(clock, LoginRateLimiter.WINDOW, 5, 20, 100);

        for (int i = 0; i < 5_000; i++) {
            small.failed("name-" + i, "198.51.100." + i);
        }

        assertThat(small.tracked()).isLessThanOrEqualTo(200);
        assertThat(small.retryAfter("name-4999", null)).isEmpty();
    }

    @Test
    void a_very_long_name_is_kept_short() {
        String huge = "x".repeat(1_000_000);
        for (int i = 0; i < 5; i++) {
            limiter.failed(huge + i, null);
        }

        assertThat(limiter.retryAfter(huge, null)).as("cut to the same key").isPresent();
    }

    @Test
    void failures_from_many_threads_at_once_are_all_counted() throws Exception {
        var exact = new LoginRateLimiter(clock, LoginRateLimiter.WINDOW, 64, 1_000, 100);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        var start = new CountDownLatch(1);
        var done = new ArrayList<Future<?>>();
        try {
            for (int i = 0; i < 63; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    exact.failed("alice", null);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(exact.retryAfter("alice", null)).as("63 of 64").isEmpty();
        exact.failed("alice", null);
        assertThat(exact.retryAfter("alice", null)).isPresent();
    }
}
