package dev.baozi.orchestrator.run;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which runs can be canceled now, and who asked: a run waiting for a tofu slot, one whose tofu
 * call runs (interrupted, or killed when forced), or one between its steps (it stops before its
 * next tofu call, or when its plan is done).
 */
final class RunCancels {

    private final Map<Long, Tofu.Running> running = new ConcurrentHashMap<>();
    private final Map<Long, String> requests = new ConcurrentHashMap<>();
    private final Set<Long> waiting = ConcurrentHashMap.newKeySet();
    private final Set<Long> active = ConcurrentHashMap.newKeySet();

    /**
     * Asks run {@code runId} to stop; false when this process is not executing it. The request is
     * kept before the running call is looked up, and a call is registered before it checks for a
     * request ({@link #running}), so a request between two calls is never missed.
     */
    boolean request(long runId, String by, boolean force) {
        if (!active.contains(runId) && !waiting.contains(runId)) {
            return false;
        }
        requests.put(runId, by);
        Tofu.Running call = running.get(runId);
        if (call != null) {
            if (force) {
                call.kill();
            } else {
                call.interrupt();
            }
        }
        return true;
    }

    /** Run {@code runId} stops being executed here; who asked to cancel it meanwhile, if anybody did. */
    Optional<String> finish(long runId) {
        active.remove(runId);
        return Optional.ofNullable(requests.remove(runId));
    }

    /** Run {@code runId} is being executed here ({@code true}) or has ended ({@code false}, forgetting any request). */
    void active(long runId, boolean executing) {
        if (executing) {
            active.add(runId);
        } else {
            active.remove(runId);
            requests.remove(runId);
        }
    }

    boolean requested(long runId) {
        return requests.containsKey(runId);
    }

    /** Who asked to cancel run {@code runId}, forgetting it. */
    Optional<String> take(long runId) {
        return Optional.ofNullable(requests.remove(runId));
    }

    void waiting(long runId, boolean waits) {
        if (waits) {
            waiting.add(runId);
        } else {
            waiting.remove(runId);
        }
    }

    boolean waits(long runId) {
        return waiting.contains(runId);
    }

    void running(long runId, Tofu.Running call) {
        running.put(runId, call);
    }

    void done(long runId) {
        running.remove(runId);
    }
}
