package dev.baozi.orchestrator.run;

import java.nio.file.Path;

/** Where a saved plan file waits for its approval, encrypted; a port ({@link PlanVault} answers it). */
public interface SealedPlans {

    /** Seals {@code plan} into {@code sealed}. */
    void seal(byte[] plan, Path sealed);

    /** The plan sealed in {@code sealed}. */
    byte[] open(Path sealed);
}
