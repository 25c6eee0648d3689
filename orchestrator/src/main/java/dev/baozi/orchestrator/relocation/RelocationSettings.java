package dev.baozi.orchestrator.relocation;

import java.time.Duration;

/**
 * How long the steps wait on the clusters: a guest's graceful shutdown before it is stopped
 * ({@code shutdownGrace}), and any other task (backup, start, stop, destroy: {@code taskTimeout}).
 * {@code transferBytesPerSecond} only estimates the downtime shown in the plan.
 */
public record RelocationSettings(Duration shutdownGrace, Duration taskTimeout, long transferBytesPerSecond) {

    public static final RelocationSettings DEFAULTS = new RelocationSettings(Duration.ofMinutes(2), Duration.ofMinutes(30),
            100L << 20);
}
