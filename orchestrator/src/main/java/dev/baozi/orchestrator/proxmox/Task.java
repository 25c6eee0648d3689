package dev.baozi.orchestrator.proxmox;

import java.util.Optional;

/**
 * A PVE task's state from {@code /nodes/{node}/tasks/{upid}/status}: running, or stopped with an
 * exit status ({@code OK}, {@code WARNINGS: n}, or the error text).
 */
public record Task(Upid upid, boolean running, Optional<String> exitStatus, long startTime) {

    /**
     * Stopped, and PVE counts it a success: {@code OK}, or {@code WARNINGS: n} (PVE's own UI shows
     * such a task as done; the warnings are in its log).
     */
    public boolean succeeded() {
        return !running && exitStatus.map(s -> s.equals("OK") || s.startsWith("WARNINGS:")).orElse(false);
    }
}
