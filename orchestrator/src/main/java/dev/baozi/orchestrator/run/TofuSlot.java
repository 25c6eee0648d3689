package dev.baozi.orchestrator.run;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/** A run's hold on one of the scheduler's tofu slots, taken before its first tofu call. */
interface TofuSlot {

    /** Waits for a slot; false when {@code stop} said so first (the run was canceled meanwhile). */
    boolean take(BooleanSupplier stop) throws InterruptedException;

    /** "2 of 2 in use" when the run will have to wait; empty when a slot is free (or already held). */
    Optional<String> full();

    /** A slot the run holds already. */
    TofuSlot HELD = new TofuSlot() {
        @Override
        public boolean take(BooleanSupplier stop) {
            return true;
        }

        @Override
        public Optional<String> full() {
            return Optional.empty();
        }
    };
}
