package dev.baozi.orchestrator.run;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts runs: approved runs first (their workspace is already theirs), then the oldest queued
 * run of each workspace that no run holds. At most {@code maxConcurrent} tofu steps run at once.
 * Woken by every change; also looks every second, so nothing waits on a lost wake-up.
 */
public final class RunScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunScheduler.class);

    private final RunRepository runs;
    private final RunExecutor executor;
    private final Clock clock;
    private final Semaphore slots;
    private final int maxConcurrent;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore wakeups = new Semaphore(0);
    private final Thread dispatcher;
    private volatile boolean stopped;

    public RunScheduler(RunRepository runs, RunExecutor executor, int maxConcurrent, Clock clock) {
        this.runs = runs;
        this.executor = executor;
        this.clock = clock;
        this.slots = new Semaphore(maxConcurrent);
        this.maxConcurrent = maxConcurrent;
        this.dispatcher = Thread.ofPlatform().daemon().name("run-dispatcher").unstarted(this::loop);
    }

    public void start() {
        dispatcher.start();
    }

    public void wake() {
        wakeups.release();
    }

    private void loop() {
        while (!stopped) {
            try {
                wakeups.tryAcquire(1, TimeUnit.SECONDS);
                wakeups.drainPermits();
                dispatch();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("dispatching runs", e);
            }
        }
    }

    private void dispatch() {
        for (Run run : runs.withStatus(List.of(RunStatus.APPROVED))) {
            if (!startIfSlot(run, RunStatus.APPROVED, RunStatus.APPLYING)) {
                return;
            }
        }
        List<Run> startable = runs.startable();
        for (Run run : startable) {
            startPlan(run);
        }
        noteWaiting(startable);
    }

    /**
     * Gives each queued run that waits behind another run of its workspace a log line saying so,
     * once (while its log is empty). Written here, by the only thread that starts runs, so the line
     * is stored before the run can start and its steps number their lines after it.
     */
    private void noteWaiting(List<Run> started) {
        var startedIds = started.stream().map(Run::id).collect(java.util.stream.Collectors.toSet());
        for (Run run : runs.withStatus(List.of(RunStatus.QUEUED))) {
            if (!startedIds.contains(run.id())) {
                runs.ahead(run).ifPresent(ahead -> executor.noteIfSilent(run.id(), RunService.behind(ahead)));
            }
        }
    }

    /**
     * Starts planning {@code run} without waiting for a slot: what comes before tofu (an address
     * reserved in NetBox, say) runs at once, and the run takes a slot for its tofu steps.
     */
    private void startPlan(Run run) {
        if (!runs.transition(run.id(), RunStatus.QUEUED, RunStatus.PLANNING, OffsetDateTime.now(clock))) {
            return; // moved meanwhile (canceled, say)
        }
        Run current = runs.get(run.id()).orElseThrow();
        workers.submit(() -> {
            var slot = new Slot();
            try {
                executor.plan(current, slot);
            } finally {
                slot.release();
                wake();
            }
        });
    }

    /** "2 of 2 in use" when every tofu slot is taken now; empty when one is free. */
    public java.util.Optional<String> slotsFull() {
        int free = slots.availablePermits();
        return free > 0 ? java.util.Optional.empty() : java.util.Optional.of((maxConcurrent - free) + " of " + maxConcurrent + " in use");
    }

    /** One run's hold on a tofu slot: taken at most once, given back once. */
    final class Slot implements TofuSlot {
        private boolean held;

        /** Waits for a slot; false when {@code stop} said so first (the run was canceled meanwhile). */
        @Override
        public boolean take(java.util.function.BooleanSupplier stop) throws InterruptedException {
            while (!stopped) {
                if (slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    held = true;
                    return true;
                }
                if (stop.getAsBoolean()) {
                    return false;
                }
            }
            return false;
        }

        /** As {@link RunScheduler#slotsFull()}, for the run about to wait. */
        @Override
        public java.util.Optional<String> full() {
            return held ? java.util.Optional.empty() : slotsFull();
        }

        void release() {
            if (held) {
                held = false;
                slots.release();
            }
        }
    }

    /** False when no slot is free (stop dispatching); true otherwise, started or not. */
    private boolean startIfSlot(Run run, RunStatus from, RunStatus to) {
        if (!slots.tryAcquire()) {
            return false;
        }
        if (!runs.transition(run.id(), from, to, OffsetDateTime.now(clock))) {
            slots.release(); // moved meanwhile (canceled, say)
            return true;
        }
        Run current = runs.get(run.id()).orElseThrow();
        workers.submit(() -> {
            try {
                if (to == RunStatus.APPLYING) {
                    executor.apply(current);
                } else {
                    executor.plan(current);
                }
            } finally {
                slots.release();
                wake();
            }
        });
        return true;
    }

    @Override
    public void close() {
        stopped = true;
        dispatcher.interrupt();
        workers.shutdown();
    }
}
