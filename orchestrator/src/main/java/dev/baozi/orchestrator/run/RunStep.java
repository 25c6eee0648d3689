package dev.baozi.orchestrator.run;

import java.io.IOException;

/**
 * One step of a run's pipeline, with one job. It returns when its job is done and the run goes
 * on, or ends the run by throwing {@link RunEnded}; an {@link IOException} or a runtime exception
 * is a fault, which ends the run errored.
 */
interface RunStep {

    void run(RunContext run) throws RunEnded, IOException;
}
