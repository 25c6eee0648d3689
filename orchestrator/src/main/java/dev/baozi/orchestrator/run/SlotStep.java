package dev.baozi.orchestrator.run;

/** Waits for a tofu slot, saying so in the log; a cancel meanwhile ends the run canceled. */
final class SlotStep implements RunStep {

    private final TofuSlot slot;
    private final RunCancels cancels;

    SlotStep(TofuSlot slot, RunCancels cancels) {
        this.slot = slot;
        this.cancels = cancels;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        long id = run.run.id();
        cancels.waiting(id, true);
        try {
            slot.full().ifPresent(full -> run.log("baozi", "waiting for a tofu slot (" + full + ")"));
            if (!slot.take(() -> cancels.requested(id)) || cancels.requested(id)) {
                throw RunEnded.canceled(false, cancels.take(id).orElse(null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RunEnded.errored("interrupted while waiting for a tofu slot");
        } finally {
            cancels.waiting(id, false);
        }
    }
}
