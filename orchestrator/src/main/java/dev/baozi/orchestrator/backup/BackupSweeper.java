package dev.baozi.orchestrator.backup;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes expired backups every {@code backups.sweep-interval}, on one daemon thread, from start until close. */
public final class BackupSweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackupSweeper.class);

    private final BackupService backups;
    private final Duration interval;
    private ScheduledExecutorService executor;

    public BackupSweeper(BackupService backups, Duration interval) {
        this.backups = backups;
        this.interval = interval;
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backup-sweep");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::sweepOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sweeps now, on the caller's thread: how many expired backups were deleted. */
    public int sweepNow() {
        return backups.sweep();
    }

    private void sweepOnce() {
        try {
            int deleted = backups.sweep();
            if (deleted > 0) {
                log.info("deleted {} expired backup(s)", deleted);
            }
        } catch (RuntimeException e) {
            log.warn("sweeping expired backups: {}", e.getMessage()); // the next sweep tries again
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
