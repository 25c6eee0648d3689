package dev.baozi.orchestrator.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code tofu} command as the run pipeline sees it: a call is prepared, then run to its end
 * while another thread may interrupt or kill it. A port: {@link ProcessTofu} starts the real
 * binary; tests give a fake.
 */
public interface Tofu {

    /**
     * One tofu command of run {@code runId} of {@code workspace}: {@code args} run in
     * {@code runDir/work}, with {@code env} added to the clean environment, stopped after {@code timeout}.
     */
    record Call(long runId, String workspace, Path runDir, List<String> args, Map<String, String> env, Duration timeout) {
        /** The tofu subcommand: init, plan, show, apply. */
        public String command() {
            return args.getFirst();
        }
    }

    /** How a call ended: its exit code, and whether it was interrupted, killed or timed out. */
    record Outcome(int exitCode, boolean interrupted, boolean killed, boolean timedOut) {
        public static Outcome exited(int exitCode) {
            return new Outcome(exitCode, false, false, false);
        }
    }

    /** A prepared call; {@link #interrupt()} and {@link #kill()} may come from another thread, before or while it runs. */
    interface Running {
        /** Runs the call to its end; stdout and stderr lines go to their consumers as they come. */
        Outcome run(Consumer<String> stdout, Consumer<String> stderr);

        /** Asks tofu to stop cleanly (SIGINT), and kills it after the grace period. */
        void interrupt();

        /** Kills tofu now. */
        void kill();
    }

    Running prepare(Call call);
}
