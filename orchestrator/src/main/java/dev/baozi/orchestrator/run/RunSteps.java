package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a run does besides tofu for workspaces that need it (a deployment: the address it gets
 * from NetBox, its DNS records). Before tofu plans, values are supplied to the directory; after
 * it, DNS changes are planned and recorded to be approved with tofu's plan; the apply syncs them
 * (after tofu, or before it when destroying); and when a run ends, what it took and the workspace
 * does not own is given back. Expected refusals are {@link Refused}. A port: the deployment
 * package answers it.
 */
public interface RunSteps {

    /** A step that cannot go on; {@code getMessage()} is the run's error, in plain words. */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** DNS changes planned with a run: octoDNS's plans as JSON, how many changes, and why force is needed (null if not). */
    record DnsPlanned(String json, int changes, String forceReason) {}

    /** Before tofu plans {@code run}: what Baozi supplies to the directory. */
    default Supplied beforePlan(Run run, Workspace workspace, Consumer<String> log) throws Refused {
        return Supplied.NONE;
    }

    /** After tofu planned: the DNS changes that go with the plan, if the workspace has DNS records at all. */
    default Optional<DnsPlanned> planDns(Run run, Workspace workspace, Supplied supplied, Path dir, Consumer<String> log)
            throws Refused {
        return Optional.empty();
    }

    /** Applies the DNS changes {@code planned} recorded; {@code forced} when the approval forced them over the thresholds. */
    default void applyDns(Run run, Workspace workspace, String planned, boolean forced, Path dir, Consumer<String> log)
            throws Refused {}

    /** {@code run} has ended (however): gives back what it reserved and the workspace's state does not hold. */
    default void ended(Run run, Workspace workspace, Consumer<String> log) {}

    /** After everything of a (non-destroy) apply: hands the machine what it needs (its secrets, say). */
    default void afterApply(Run run, Workspace workspace, Consumer<String> log) throws Refused {}

    /**
     * All of {@code steps}, in order: their supplied values merged (a later one's win), the first DNS
     * plan there is, and every one told of an apply's end and a run's.
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
            public Optional<DnsPlanned> planDns(Run run, Workspace workspace, Supplied supplied, Path dir, Consumer<String> log)
                    throws Refused {
                for (RunSteps s : steps) {
                    Optional<DnsPlanned> planned = s.planDns(run, workspace, supplied, dir, log);
                    if (planned.isPresent()) {
                        return planned;
                    }
                }
                return Optional.empty();
            }

            @Override
            public void applyDns(Run run, Workspace workspace, String planned, boolean forced, Path dir, Consumer<String> log)
                    throws Refused {
                steps.getFirst().applyDns(run, workspace, planned, forced, dir, log);
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
