package dev.baozi.orchestrator.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the plan for its approval: a plan that changes nothing (tofu nor any side plan) ends the
 * run planned_no_changes; else tofu's plan file, if it changes anything, is sealed, and the plain
 * file deleted either way.
 */
final class SealStep implements RunStep {

    private final SealedPlans vault;

    SealStep(SealedPlans vault) {
        this.vault = vault;
    }

    @Override
    public void run(RunContext run) throws RunEnded, IOException {
        Path plain = run.workDir().resolve(RunExecutor.PLAN_FILE);
        boolean sideChanges = run.sidePlans.stream().anyMatch(SidePlan::hasChanges);
        if (!run.tofuChanges && !sideChanges) {
            Files.deleteIfExists(plain);
            throw RunEnded.noChanges();
        }
        if (run.tofuChanges) {
            vault.seal(Files.readAllBytes(plain), run.runDir.resolve(RunExecutor.SEALED_PLAN));
        }
        Files.deleteIfExists(plain);
    }
}
