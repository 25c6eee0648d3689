package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a run does besides tofu for workspaces that need it (a deployment: the address it gets
 * from NetBox; vars: the machine's secrets). Before tofu plans, values are supplied to the
 * directory; after an apply, the machine gets what it needs; and when a run ends, what it took
 * and the workspace does not own is given back. Expected refusals are {@link Refused}. A port: the
 * deployment and vars packages answer it. What plans beside tofu is a {@link SidePlanner}.
 */
public interface RunSteps {

    /** A step that cannot go on; {@code getMessage()} is the run's error, in plain words. */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** Before tofu plans {@code run}: what Baozi supplies to the directory. */
    default Supplied beforePlan(Run run, Workspace workspace, Consumer<String> log) throws Refused {
        return Supplied.NONE;
    }

    /** {@code run} has ended (however): gives back what it reserved and the workspace's state does not hold. */
    default void ended(Run run, Workspace workspace, Consumer<String> log) {}

    /**
     * Before anything of an apply changes (side applies, tofu): what must be kept first (a destroy
     * run's backup of the VM). A refusal stops the apply with nothing changed.
     */
    default void beforeApply(Run run, Workspace workspace, Consumer<String> log) throws Refused {}

    /** After everything of a (non-destroy) apply: hands the machine what it needs (its secrets, say). */
    default void afterApply(Run run, Workspace workspace, Consumer<String> log) throws Refused {}

    /**
     * All of {@code steps}, in order: their supplied values merged (a later one's win), and every
     * one told of an apply's end and a run's.
     */
    static RunSteps all(List<RunSteps> steps) {
        return new RunSteps() {
            @Override
            public Supplied beforePlan(Run run, Workspace workspace, Consumer<String> log) throws Refused {
                Map<String, com.fasterxml.jackson.databind.JsonNode> inputs = new TreeMap<>();
                List<Supplied.Import> imports = new ArrayList<>();
                for (RunSteps s : steps) {
                    Supplied supplied = s.beforePlan(run, workspace, log);
                    inputs.putAll(supplied.inputs());
                    imports.addAll(supplied.imports());
                }
                return new Supplied(inputs, imports);
            }

            @Override
            public void beforeApply(Run run, Workspace workspace, Consumer<String> log) throws Refused {
                for (RunSteps s : steps) {
                    s.beforeApply(run, workspace, log);
                }
            }

            @Override
            public void afterApply(Run run, Workspace workspace, Consumer<String> log) throws Refused {
                for (RunSteps s : steps) {
                    s.afterApply(run, workspace, log);
                }
            }

            @Override
            public void ended(Run run, Workspace workspace, Consumer<String> log) {
                steps.forEach(s -> s.ended(run, workspace, log));
            }
        };
    }

    RunSteps NONE = new RunSteps() {};
}
