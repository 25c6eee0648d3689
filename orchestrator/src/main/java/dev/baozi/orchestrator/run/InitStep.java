package dev.baozi.orchestrator.run;

import java.util.List;

/** {@code tofu init}: providers from the mirror, the state backend reached. */
final class InitStep implements RunStep {

    private final RunSettings settings;

    InitStep(RunSettings settings) {
        this.settings = settings;
    }

    @Override
    public void run(RunContext run) throws RunEnded {
        run.tofu("init", List.of("init", "-input=false", "-json"), settings.planTimeout());
    }
}
