package dev.baozi.orchestrator.run;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which runs can be canceled now, and who asked: a run waiting for a tofu slot, or one whose
 * tofu call runs (interrupted, or killed when forced).
 */
final class RunCancels {

    private final Map<Long, Tofu.Running> running = new ConcurrentHashMap<>();
    private final Map<Long, String> requests = new ConcurrentHashMap<>();
    private final Set<Long> waiting = ConcurrentHashMap.newKeySet();

    /** Asks run {@code runId} to stop; false when it neither waits for a slot nor runs tofu now. */
    boolean request(long runId, String by, boolean force) {
        if (waiting.contains(runId)) {
            requests.put(runId, by);
            return true;
        }
        Tofu.Running call = running.get(runId);
        if (call == null) {
            return false;
        }
        requests.put(runId, by);
        if (force) {
            call.kill();
        } else {
            call.interrupt();
        }
        return true;
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
