package dev.baozi.harness.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * The JVM's peak heap use while something runs: the total sampled every few milliseconds (a
 * lower bound of the true peak) and the sum of each heap pool's own peak since the reset (an
 * upper bound, since pools peak at different moments).
 */
final class HeapWatch implements AutoCloseable {

    private static final long MIB = 1024 * 1024;

    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    private final Thread sampler;
    private final long baseline;
    private volatile boolean running = true;
    private volatile long sampledPeak;

    /** Collects garbage, resets the pools' peaks and starts sampling. */
    HeapWatch() {
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        baseline = used();
        sampledPeak = baseline;
        sampler = Thread.ofPlatform().daemon().name("heap-watch").start(() -> {
            while (running) {
                sampledPeak = Math.max(sampledPeak, used());
                try {
                    Thread.sleep(2); // sampling period, not a wait for other work
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Heap in use when the watch started, after a collection. */
    long baselineMiB() {
        return baseline / MIB;
    }

    long sampledPeakMiB() {
        return sampledPeak / MIB;
    }

    long poolPeakSumMiB() {
        return heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() / MIB;
    }

    static long maxHeapMiB() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / MIB;
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sampledPeak = Math.max(sampledPeak, used());
    }
}
