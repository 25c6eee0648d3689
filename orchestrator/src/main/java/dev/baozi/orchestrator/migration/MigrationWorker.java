package dev.baozi.orchestrator.migration;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that carries migrations forward ({@link MigrationRunner#settle}): woken by every
 * decision, and looking every second, so a wait that ends or a lost wake-up is noticed.
 */
public final class MigrationWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MigrationWorker.class);

    private final MigrationRunner runner;
    private final Semaphore wakeups = new Semaphore(0);
    private final Thread thread;
    private volatile boolean stopped;

    public MigrationWorker(MigrationRunner runner) {
        this.runner = runner;
        this.thread = Thread.ofPlatform().daemon().name("migration-worker").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    public void wake() {
        wakeups.release();
    }

    private void loop() {
        while (!stopped) {
            try {
                wakeups.tryAcquire(1, TimeUnit.SECONDS);
                wakeups.drainPermits();
                runner.settle();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("carrying migrations forward", e);
            }
        }
    }

    /** Stops the thread; a step in progress is cut off and runs again after the next start. A no-op if never started. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
