package dev.baozi.orchestrator.migration;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The migration steps' work on a pretend world of two providers (a map of facts: where the VM runs,
 * where DNS points, what the state holds), each step idempotent as the port asks: a repeat finds its
 * work done. Steps can be scripted to refuse, to throw, or to crash the orchestrator (a
 * {@link Crash}, which nothing catches) before or after their work.
 */
public final class FakeMigrationActions implements MigrationActions {

    /** The orchestrator dying: an error the runner does not catch. */
    public static final class Crash extends Error {
        Crash(String where) {
            super("simulated crash " + where);
        }
    }

    public final Map<String, String> world = Collections.synchronizedMap(new LinkedHashMap<>());
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** Steps that refuse once with this message. */
    public final Map<MigrationStep, String> refuseOnce = new EnumMap<>(MigrationStep.class);
    /** Steps that throw once with this message. */
    public final Map<MigrationStep, String> throwOnce = new EnumMap<>(MigrationStep.class);
    /** Steps that crash once before their work, and once after it. */
    public final Set<MigrationStep> crashBefore = EnumSet.noneOf(MigrationStep.class);
    public final Set<MigrationStep> crashAfter = EnumSet.noneOf(MigrationStep.class);
    /** Something to do while a step runs (a person's decision landing meanwhile). */
    public final Map<MigrationStep, Consumer<Migration>> during = new EnumMap<>(MigrationStep.class);
    /** Capacity checks the plan reports. */
    public List<MigrationPlan.Finding> findings = List.of(new MigrationPlan.Finding("storage", true, "local-lvm on pve-b has 80 GiB free"));
    /** Whether the adopt run has been approved and applied (until then the adopt step is pending). */
    public volatile boolean adoptRunApplied;

    private final Clock clock;

    public FakeMigrationActions(Clock clock) {
        this.clock = clock;
        world.put("vm", "a");
        world.put("source", "running");
        world.put("dns", "a");
        world.put("state", "a");
        world.put("ttl", "3600");
    }

    private StepResult step(MigrationStep step, Migration m, Runnable work, StepResult result) {
        calls.add(step.wire());
        if (crashBefore.remove(step)) {
            throw new Crash("before " + step.wire());
        }
        String refusal = refuseOnce.remove(step);
        if (refusal != null) {
            return new StepResult.Refused(refusal);
        }
        String fault = throwOnce.remove(step);
        if (fault != null) {
            throw new IllegalStateException(fault);
        }
        during.getOrDefault(step, x -> { }).accept(m);
        work.run();
        if (crashAfter.remove(step)) {
            throw new Crash("after " + step.wire());
        }
        return result;
    }

    @Override
    public PlanResult plan(Migration m) {
        StepResult r = step(MigrationStep.PLAN, m, () -> world.putIfAbsent("reserved", "10.1.0.7 in " + m.target().pool()),
                StepResult.done());
        if (r instanceof StepResult.Refused refused) {
            return new PlanResult.Refused(refused.message());
        }
        return new PlanResult.Planned(new MigrationPlan(world.get("reserved").split(" ")[0],
                new MigrationPlan.TargetVm("pve-b", 101, m.target().storage(), m.target().bridge()),
                List.of(new MigrationPlan.DnsChange("web.example.org", "A", "10.0.0.5", "10.1.0.7")), new MigrationPlan.Ttl(3600, 60),
                "vzdump snapshot to local", 120, findings));
    }

    @Override
    public StepResult backup(Migration m) {
        return step(MigrationStep.BACKUP, m, () -> world.putIfAbsent("backup", "local:backup/vzdump-qemu-100.vma.zst"),
                new StepResult.Done(Map.of("volume", "local:backup/vzdump-qemu-100.vma.zst")));
    }

    @Override
    public StepResult lowerTtl(Migration m) {
        OffsetDateTime until = OffsetDateTime.now(clock).plus(Duration.ofSeconds(3600));
        return step(MigrationStep.LOWER_TTL, m, () -> world.put("ttl", "60"),
                new StepResult.Wait("the old TTL (3600 s) passes at " + until, until, Map.of("ttl", "60")));
    }

    @Override
    public StepResult cutover(Migration m) {
        return step(MigrationStep.CUTOVER, m, () -> {
            world.put("vm", "b");
            world.put("source", "stopped");
            world.put("marker", "written");
        }, new StepResult.Done(Map.of("task", "UPID:pve-b:1")));
    }

    @Override
    public StepResult adopt(Migration m) {
        return step(MigrationStep.ADOPT, m, () -> {
            if (adoptRunApplied) {
                world.put("state", "b");
            }
        }, adoptRunApplied ? new StepResult.Done(Map.of("run", "7")) : new StepResult.Pending("run 7 awaits approval", Map.of("run", "7")));
    }

    @Override
    public StepResult startVerify(Migration m) {
        return step(MigrationStep.START_VERIFY, m, () -> world.put("marker", "read on b"), StepResult.done());
    }

    @Override
    public StepResult switchDns(Migration m) {
        return step(MigrationStep.SWITCH_DNS, m, () -> world.put("dns", "b"), StepResult.done());
    }

    @Override
    public StepResult soak(Migration m) {
        return step(MigrationStep.SOAK, m, () -> world.put("source", "stopped"), StepResult.done());
    }

    @Override
    public StepResult decommission(Migration m) {
        return step(MigrationStep.DECOMMISSION, m, () -> {
            world.put("source", "gone");
            world.remove("backup");
            world.put("ttl", "3600");
        }, StepResult.done());
    }

    @Override
    public StepResult startSource(Migration m) {
        return step(MigrationStep.ROLLBACK_START_SOURCE, m, () -> world.put("source", "running"), StepResult.done());
    }

    @Override
    public StepResult dnsBack(Migration m) {
        return step(MigrationStep.ROLLBACK_DNS, m, () -> world.put("dns", "a"), StepResult.done());
    }

    @Override
    public StepResult stateBack(Migration m) {
        return step(MigrationStep.ROLLBACK_STATE, m, () -> world.put("state", "a"), StepResult.done());
    }

    @Override
    public StepResult releaseTarget(Migration m) {
        return step(MigrationStep.ROLLBACK_RELEASE_TARGET, m, () -> {
            world.put("vm", "a");
            world.remove("reserved");
        }, StepResult.done());
    }

    @Override
    public StepResult restoreTtl(Migration m) {
        return step(MigrationStep.ROLLBACK_TTL, m, () -> world.put("ttl", "3600"), StepResult.done());
    }
}
