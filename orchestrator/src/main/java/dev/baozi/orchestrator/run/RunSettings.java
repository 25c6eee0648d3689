package dev.baozi.orchestrator.run;

import java.nio.file.Path;
import java.time.Duration;

/** How runs are executed: where, with which tofu, how many at once, and how long each step may take. */
public record RunSettings(
        Path runsDir,
        Path tofu,
        Path cliConfig,
        int maxConcurrent,
        Duration planTimeout,
        Duration applyTimeout,
        Duration cancelGrace,
        boolean selfApproval) {}
