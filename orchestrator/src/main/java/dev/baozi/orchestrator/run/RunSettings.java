package dev.baozi.orchestrator.run;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How runs are executed: where, with which tofu, in which sandbox, how many at once, and how long
 * each step may take.
 */
public record RunSettings(
        Path runsDir,
        Path tofu,
        Path cliConfig,
        int maxConcurrent,
        Duration planTimeout,
        Duration applyTimeout,
        Duration cancelGrace,
        boolean selfApproval,
        TofuSandbox sandbox) {

    /** Without a sandbox (tests of the run rules that start no tofu, and machines without bubblewrap). */
    public RunSettings(Path runsDir, Path tofu, Path cliConfig, int maxConcurrent, Duration planTimeout, Duration applyTimeout,
            Duration cancelGrace, boolean selfApproval) {
        this(runsDir, tofu, cliConfig, maxConcurrent, planTimeout, applyTimeout, cancelGrace, selfApproval, TofuSandbox.NONE);
    }
}
