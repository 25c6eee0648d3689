package dev.baozi.harness.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop load: {@code clients} threads each send one call, wait for its answer, and send the
 * next, first for a warm-up period (not recorded), then until the measuring period ends or each
 * client has made {@code maxOpsPerClient} calls. Preparing a call (building its body) is not timed.
 */
final class LoadRunner {

    /** One call, ready to send; only {@link #send()} is timed. */
    interface Call {
        void send() throws Exception;
    }

    /** Prepares client {@code client}'s next call. */
    interface Workload {
        Call next(int client) throws Exception;
    }

    /** Latencies of every recorded call and the wall time from the common start to the last answer. */
    record Result(int clients, long[] latenciesNanos, long wallNanos) {

        int count() {
            return latenciesNanos.length;
        }

        double p50Millis() {
            return percentile(0.50);
        }

        double p99Millis() {
            return percentile(0.99);
        }

        double opsPerSecond() {
            return count() / (wallNanos / 1e9);
        }

        /** This result and {@code other} as one: every latency of both, and both wall times added. */
        Result and(Result other) {
            long[] all = Arrays.copyOf(latenciesNanos, latenciesNanos.length + other.latenciesNanos.length);
            System.arraycopy(other.latenciesNanos, 0, all, latenciesNanos.length, other.latenciesNanos.length);
            return new Result(clients, all, wallNanos + other.wallNanos);
        }

        /** Nearest-rank percentile in milliseconds. */
        private double percentile(double p) {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.max(0, rank - 1)] / 1e6;
        }
    }

    private LoadRunner() {}

    static Result run(int clients, Duration warmup, Duration measure, int maxOpsPerClient, Workload workload) {
        var failure = new AtomicReference<Throwable>();
        long[] start = new long[1];
        var barrier = new CyclicBarrier(clients, () -> start[0] = System.nanoTime());
        long[][] samples = new long[clients][];
        long[] ends = new long[clients];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            Future<?>[] futures = new Future<?>[clients];
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures[c] = pool.submit(() -> {
                    long warmEnd = System.nanoTime() + warmup.toNanos();
                    try {
                        do {
                            workload.next(client).send();
                        } while (System.nanoTime() < warmEnd && failure.get() == null);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                    try {
                        barrier.await(10, TimeUnit.MINUTES);
                    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                    long deadline = start[0] + measure.toNanos();
                    long[] mine = new long[Math.min(maxOpsPerClient, 1024)];
                    int n = 0;
                    try {
                        while (n < maxOpsPerClient && System.nanoTime() < deadline && failure.get() == null) {
                            LoadRunner.Call call = workload.next(client);
                            long t0 = System.nanoTime();
                            call.send();
                            long took = System.nanoTime() - t0;
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, Math.min(maxOpsPerClient, mine.length * 2));
                            }
                            mine[n++] = took;
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                    ends[client] = System.nanoTime();
                    samples[client] = Arrays.copyOf(mine, n);
                });
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        } finally {
            pool.shutdownNow();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a benchmark client failed: " + failure.get(), failure.get());
        }
        long lastEnd = Arrays.stream(ends).max().orElse(start[0]);
        long[] all = Arrays.stream(samples).flatMapToLong(Arrays::stream).toArray();
        return new Result(clients, all, lastEnd - start[0]);
    }
}
