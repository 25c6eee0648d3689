package dev.baozi.harness.proxmox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PVE's worker tasks: a write answers with a UPID at once and its work is done when the task ends,
 * a configurable time later, under the cluster's lock. A task ends {@code stopped} with exit status
 * {@code OK}, or with the error's message when its work refuses or a test asked it to fail.
 */
final class Tasks implements AutoCloseable {

    /** The work a task does when it ends; it may add log lines and throw {@link PveException} to fail. */
    @FunctionalInterface
    interface Work {
        void run(List<String> log);
    }

    /** A task as {@code /nodes/{node}/tasks/{upid}/status} reports it. */
    static final class Task {
        final Upid upid;
        final List<String> log = new ArrayList<>();
        volatile String exitStatus;
        volatile long endTime;

        Task(Upid upid) {
            this.upid = upid;
        }

        boolean running() {
            return exitStatus == null;
        }
    }

    private final Object lock;
    private final ScheduledExecutorService timer;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private final AtomicLong pids = new AtomicLong(0x2A000);
    private volatile Duration duration;
    private volatile Runnable onEnd = () -> { };

    private record Failure(String type, String message, ProxmoxSimulator.FailAt at) {}

    /** The task whose work runs on this thread, with the half-way failure it must meet, if any. */
    private final ThreadLocal<String> halfwayFailure = new ThreadLocal<>();

    Tasks(Object lock, Duration duration) {
        this.lock = lock;
        this.duration = duration;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "proxmox-simulator-tasks");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs after every task's end, under the cluster's lock (the state file is written there). */
    void onEnd(Runnable r) {
        this.onEnd = r;
    }

    void duration(Duration d) {
        this.duration = d;
    }

    Duration duration() {
        return duration;
    }

    /** The next task of {@code type} (any type when null) ends with {@code message} as its exit status. */
    void failNext(String type, String message, ProxmoxSimulator.FailAt at) {
        synchronized (lock) {
            failures.add(new Failure(type, message, at));
        }
    }

    /**
     * The middle of a task's work (half the disks copied, half the archive written): a task made to
     * fail half-way fails here, with the work done so far still to be undone by its undo.
     */
    void halfway(List<String> log) {
        String message = halfwayFailure.get();
        if (message != null) {
            halfwayFailure.remove();
            throw PveException.failure(message);
        }
    }

    /** Starts a task; must be called holding the cluster's lock. */
    Upid submit(String node, String type, String id, String user, Work work) {
        return submit(node, type, id, user, work, () -> { });
    }

    /**
     * Starts a task whose {@code undo} runs if it fails (PVE cleans up after a failed clone or create);
     * must be called holding the cluster's lock.
     */
    Upid submit(String node, String type, String id, String user, Work work, Runnable undo) {
        long now = System.currentTimeMillis() / 1000;
        long pid = pids.incrementAndGet();
        Upid upid = new Upid(node, pid, 0x00C0FFEE + pid * 7, now, type, id, user);
        Task task = new Task(upid);
        tasks.put(upid.toString(), task);
        Optional<Failure> failure = failures.stream()
                .filter(f -> f.type() == null || f.type().equals(type))
                .findFirst();
        failure.ifPresent(failures::remove);
        Runnable finish = () -> {
            synchronized (lock) {
                if (failure.isPresent() && failure.get().at() == ProxmoxSimulator.FailAt.START) {
                    undo.run();
                    end(task, failure.get().message());
                    return;
                }
                failure.ifPresent(f -> halfwayFailure.set(f.message()));
                try {
                    work.run(task.log);
                    if (halfwayFailure.get() != null) {
                        halfway(task.log); // a task without a middle fails after its work, which is undone
                    }
                    end(task, "OK");
                } catch (PveException e) {
                    undo.run();
                    end(task, e.getMessage());
                } finally {
                    halfwayFailure.remove();
                }
                onEnd.run();
            }
        };
        long millis = duration.toMillis();
        if (millis <= 0) {
            finish.run();
        } else {
            timer.schedule(finish, millis, TimeUnit.MILLISECONDS);
        }
        return upid;
    }

    private static void end(Task task, String exitStatus) {
        if (exitStatus.equals("OK")) {
            task.log.add("TASK OK");
        } else {
            task.log.add("TASK ERROR: " + exitStatus);
        }
        task.endTime = System.currentTimeMillis() / 1000;
        task.exitStatus = exitStatus;
    }

    /** The log lines so far (a copy). */
    List<String> log(Task task) {
        synchronized (lock) {
            return List.copyOf(task.log);
        }
    }

    /** The task with this UPID on {@code node}, if this simulator started it. */
    Optional<Task> find(String node, String upid) {
        synchronized (lock) {
            Task t = tasks.get(upid);
            return t != null && t.upid.node().equals(node) ? Optional.of(t) : Optional.empty();
        }
    }

    List<Task> all() {
        synchronized (lock) {
            return List.copyOf(tasks.values());
        }
    }

    /** Whether every task has ended. */
    boolean idle() {
        synchronized (lock) {
            return tasks.values().stream().noneMatch(Task::running);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
