package dev.baozi.orchestrator.migration;

import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.workspace.Workspace;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts migrations and carries out people's decisions on them: approve a step, skip a wait, retry
 * a refused step, roll back, decommission. Every decision is a compare-and-set on the migration's
 * version and an entry on its timeline; the worker does the steps' work.
 */
public final class MigrationService {

    private final MigrationRepository migrations;
    private final Providers providers;
    private final AuditRepository audit;
    private final MigrationSettings settings;
    private final Runnable wake;
    private final Clock clock;

    public MigrationService(MigrationRepository migrations, Providers providers, AuditRepository audit, MigrationSettings settings,
            Runnable wake, Clock clock) {
        this.migrations = migrations;
        this.providers = providers;
        this.audit = audit;
        this.settings = settings;
        this.wake = wake;
        this.clock = clock;
    }

    /** The providers a migration may target: whether one of this name is registered. The provider package answers. */
    public interface Providers {
        boolean exists(String name);
    }

    /** How asking for a migration came out. Refusals are results, not errors. */
    public sealed interface CreateOutcome {
        record Created(Migration migration) implements CreateOutcome {}

        /** A field of the request is wrong: {@code reason} names it. */
        record Invalid(String reason) implements CreateOutcome {}

        /** The workspace cannot move now: it has an unfinished migration, or runs on no provider. */
        record Conflict(String reason) implements CreateOutcome {}
    }

    /** What a decision on a migration came to. */
    public sealed interface Decision {
        record Done(Migration migration) implements Decision {}

        record NotFound(long id) implements Decision {}

        /** The migration is not where this decision applies; {@code reason} says where it is. */
        record WrongState(Migration migration, String reason) implements Decision {}

        record Forbidden(String reason) implements Decision {}

        /** Decommissioning destroys the source VM: it needs {@code confirm_destroy}. */
        record NeedsConfirmation(Migration migration, String reason) implements Decision {}
    }

    /** Asks for a migration of {@code workspace} to {@code target}: it starts at its plan step. */
    public CreateOutcome create(Workspace workspace, MigrationTarget target, Principal by) {
        CreateOutcome outcome;
        Optional<Migration> open = migrations.unfinished(workspace.id());
        if (workspace.provider() == null) {
            outcome = new CreateOutcome.Conflict("workspace " + workspace.name() + " runs on no provider; only a deployment on a"
                    + " provider can move to another");
        } else if (!providers.exists(target.provider())) {
            outcome = new CreateOutcome.Invalid("target_provider: no provider named '" + target.provider() + "'");
        } else if (target.provider().equals(workspace.provider())) {
            outcome = new CreateOutcome.Invalid("target_provider: workspace " + workspace.name() + " already runs on "
                    + workspace.provider() + "; name another provider");
        } else if (open.isPresent()) {
            outcome = new CreateOutcome.Conflict(unfinished(open.get()));
        } else {
            outcome = migrations.insert(workspace.id(), workspace.provider(), target, by.name(), now())
                    .<CreateOutcome>map(CreateOutcome.Created::new)
                    .orElseGet(() -> new CreateOutcome.Conflict(migrations.unfinished(workspace.id()).map(MigrationService::unfinished)
                            .orElse("workspace " + workspace.name() + " got another migration meanwhile")));
        }
        String detail = target.provider() + " (pool " + target.pool() + ", storage " + target.storage() + ", bridge " + target.bridge() + ")";
        switch (outcome) {
            case CreateOutcome.Created c -> {
                audit.record(by.name(), "migration.create", workspace.name(), "201", "migration " + c.migration().id() + " to " + detail);
                wake.run();
            }
            case CreateOutcome.Invalid i -> audit.record(by.name(), "migration.create", workspace.name(), "400", i.reason());
            case CreateOutcome.Conflict c -> audit.record(by.name(), "migration.create", workspace.name(), "409", c.reason());
        }
        return outcome;
    }

    private static String unfinished(Migration m) {
        return "workspace " + m.workspace() + " already has an unfinished migration (" + m.id() + ", " + m.status().wire() + " at "
                + m.step().wire() + "); finish or roll it back first";
    }

    public Optional<Migration> get(long id) {
        return migrations.get(id);
    }

    public List<Migration> forWorkspace(Workspace workspace) {
        return migrations.forWorkspace(workspace.id());
    }

    public List<StepRecord> timeline(long id) {
        return migrations.timeline(id);
    }

    /**
     * Approves {@code step}, which must be the step the migration waits at: the plan (then the
     * backup starts), or a step that waits for approval before it starts (cutover, switch_dns,
     * decommission: which needs {@code confirmDestroy}).
     */
    public Decision approve(long id, MigrationStep step, Principal by, String comment, boolean confirmDestroy) {
        return decide(id, by, "migration.approve", m -> {
            if (m.status() != MigrationStatus.AWAITING_APPROVAL || m.step() != step) {
                return new Decision.WrongState(m, where(m) + "; step " + step.wire() + " is not awaiting approval");
            }
            Optional<String> barred = mayNotApprove(m, by);
            if (barred.isPresent()) {
                return new Decision.Forbidden(barred.get());
            }
            if (step == MigrationStep.DECOMMISSION && !confirmDestroy) {
                return new Decision.NeedsConfirmation(m, "decommissioning migration " + m.id() + " destroys the VM of " + m.workspace()
                        + " on " + m.sourceProvider() + " and releases its address; approve with confirm_destroy: true if that is intended");
            }
            MigrationRepository.Move to = step.gate() == MigrationStep.Gate.APPROVE_RESULT
                    ? MigrationRunner.enter(step.next(), step)
                    : new MigrationRepository.Move(MigrationStatus.RUNNING, step, null, null, null);
            return change(m, to, new StepRecord(0, step, StepRecord.Outcome.APPROVED, by.name(), now(), now(), comment(comment)));
        });
    }

    /** Ends a wait early (the old TTL, the soak): the migration goes on as if its time had come. */
    public Decision skipWait(long id, Principal by, String comment) {
        return decide(id, by, "migration.skip-wait", m -> {
            if (m.status() != MigrationStatus.WAITING) {
                return new Decision.WrongState(m, where(m) + "; only a waiting migration has a wait to skip");
            }
            return change(m, new MigrationRepository.Move(MigrationStatus.WAITING, m.step(), m.message(), now(), null),
                    new StepRecord(0, m.step(), StepRecord.Outcome.SKIPPED, by.name(), now(), now(), comment(comment)));
        });
    }

    /** Runs a refused step again. */
    public Decision retry(long id, Principal by) {
        return decide(id, by, "migration.retry", m -> {
            if (m.status() != MigrationStatus.PAUSED) {
                return new Decision.WrongState(m, where(m) + "; only a paused migration is retried");
            }
            return change(m, new MigrationRepository.Move(MigrationStatus.RUNNING, m.step(), null, null, null),
                    new StepRecord(0, m.step(), StepRecord.Outcome.RETRIED, by.name(), now(), now(), Map.of()));
        });
    }

    /**
     * Rolls the migration back: allowed from any step before decommission starts, and itself a
     * sequence of steps (start the source VM, DNS back, state back, release the target, restore the
     * TTL). Asking is approving it, so the person who asked for the migration may not.
     */
    public Decision rollback(long id, Principal by, String comment) {
        return decide(id, by, "migration.rollback", m -> {
            if (m.status().isFinal()) {
                return new Decision.WrongState(m, where(m) + "; a finished migration is not rolled back");
            }
            if (m.step().isRollback()) {
                return new Decision.WrongState(m, where(m) + "; it is already rolling back");
            }
            if (m.step() == MigrationStep.DECOMMISSION && m.status() != MigrationStatus.AWAITING_APPROVAL) {
                return new Decision.WrongState(m, where(m) + "; decommission has started, so the source VM may be gone and there is"
                        + " nothing to roll back to");
            }
            Optional<String> barred = mayNotApprove(m, by);
            if (barred.isPresent()) {
                return new Decision.Forbidden(barred.get());
            }
            return change(m, new MigrationRepository.Move(MigrationStatus.RUNNING, MigrationStep.ROLLBACK.getFirst(),
                    "rolling back from " + m.step().wire() + " (asked by " + by.name() + ")", null, null),
                    new StepRecord(0, m.step(), StepRecord.Outcome.ROLLBACK, by.name(), now(), now(), comment(comment)));
        });
    }

    /**
     * Why {@code by} may not approve steps of {@code m} (they asked for it, and self-approval is
     * off); empty when they may.
     */
    public Optional<String> mayNotApprove(Migration m, Principal by) {
        if (!settings.selfApproval() && m.requestedBy().equals(by.name())) {
            return Optional.of("migration " + m.id() + " was asked for by " + by.name() + ", who may not also approve its steps;"
                    + " ask another approver");
        }
        return Optional.empty();
    }

    private interface Rule {
        Decision apply(Migration m);
    }

    private Decision decide(long id, Principal by, String action, Rule rule) {
        Optional<Migration> found = migrations.get(id);
        if (found.isEmpty()) {
            return new Decision.NotFound(id);
        }
        Decision decision = rule.apply(found.get());
        audit.record(by.name(), action, found.get().workspace(), outcome(decision), "migration " + id + " at " + found.get().step().wire()
                + (decision instanceof Decision.Done ? "" : ": " + reason(decision)));
        return decision;
    }

    private Decision change(Migration m, MigrationRepository.Move to, StepRecord entry) {
        if (migrations.moveAndRecord(m.id(), m.version(), to, entry, now()).isEmpty()) {
            Migration now = migrations.get(m.id()).orElseThrow();
            return new Decision.WrongState(now, "migration " + m.id() + " changed meanwhile (" + now.status().wire() + " at "
                    + now.step().wire() + "); look again and retry");
        }
        wake.run();
        return new Decision.Done(migrations.get(m.id()).orElseThrow());
    }

    private static String where(Migration m) {
        return "migration " + m.id() + " is " + m.status().wire() + " at " + m.step().wire();
    }

    private static Map<String, String> comment(String comment) {
        return comment == null || comment.isBlank() ? Map.of() : Map.of("comment", comment);
    }

    private static String reason(Decision d) {
        return switch (d) {
            case Decision.Done done -> "";
            case Decision.NotFound n -> "no migration " + n.id();
            case Decision.WrongState w -> w.reason();
            case Decision.Forbidden f -> f.reason();
            case Decision.NeedsConfirmation c -> c.reason();
        };
    }

    private static String outcome(Decision d) {
        return switch (d) {
            case Decision.Done done -> "200";
            case Decision.NotFound n -> "404";
            case Decision.WrongState w -> "409";
            case Decision.Forbidden f -> "403";
            case Decision.NeedsConfirmation c -> "409";
        };
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
