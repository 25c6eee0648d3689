package dev.baozi.orchestrator.migration;

import dev.baozi.orchestrator.audit.AuditRepository;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries migrations forward one step at a time: records a step's start, calls its
 * {@link MigrationActions} method, records how it ended and moves the migration on, each change a
 * compare-and-set. Whatever stops it between two of these (a crash, a stop), {@link #recover} and the
 * next {@link #advance} pick up at the current step and run it again.
 */
public final class MigrationRunner {

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    private final MigrationRepository migrations;
    private final MigrationActions actions;
    private final AuditRepository audit;
    private final MigrationSettings settings;
    private final Clock clock;

    public MigrationRunner(MigrationRepository migrations, MigrationActions actions, AuditRepository audit, MigrationSettings settings,
            Clock clock) {
        this.migrations = migrations;
        this.actions = actions;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * At start-up: the steps that were running when the orchestrator stopped are marked
     * interrupted; their migrations stay running at that step, so the next {@link #advance} runs it again.
     */
    public int recover() {
        int interrupted = migrations.interruptRunning(now());
        if (interrupted > 0) {
            log.warn("{} migration step(s) were running when the orchestrator last stopped; they run again", interrupted);
            audit.record("system", "migration.recover", "orchestrator", "resumed", interrupted + " step(s) interrupted");
        }
        return interrupted;
    }

    /** Advances every migration that has something to do now, until none has; how many moves were made. */
    public int settle() {
        int moves = 0;
        for (int round = 0; round < 1000; round++) {
            int before = moves;
            for (Migration m : migrations.due(now())) {
                if (advance(m.id())) {
                    moves++;
                }
            }
            if (moves == before) {
                break;
            }
        }
        return moves;
    }

    /** Does the next thing migration {@code id} needs now, if any; whether it moved. */
    public boolean advance(long id) {
        Optional<Migration> found = migrations.get(id);
        if (found.isEmpty()) {
            return false;
        }
        Migration m = found.get();
        OffsetDateTime now = now();
        boolean due = m.wakeAt() == null || !m.wakeAt().isAfter(now);
        return switch (m.status()) {
            case WAITING -> due && migrations.move(m.id(), m.version(), enter(m.step().next(), m.step()), now);
            case RUNNING -> due && execute(m);
            case AWAITING_APPROVAL, PAUSED, COMPLETED, ROLLED_BACK -> false;
        };
    }

    /**
     * Where a migration goes after {@code done} ends: into the next step (waiting for approval if it
     * needs one first), or completed or rolled back after the last.
     */
    static MigrationRepository.Move enter(Optional<MigrationStep> next, MigrationStep done) {
        if (next.isEmpty()) {
            return new MigrationRepository.Move(done.isRollback() ? MigrationStatus.ROLLED_BACK : MigrationStatus.COMPLETED, done,
                    null, null, null);
        }
        MigrationStep step = next.get();
        MigrationStatus status = step.gate() == MigrationStep.Gate.APPROVE_START ? MigrationStatus.AWAITING_APPROVAL
                : MigrationStatus.RUNNING;
        return new MigrationRepository.Move(status, step, null, null, null);
    }

    /** Runs the current step of {@code m}: start recorded first, then the step's work, then its end and the move. */
    private boolean execute(Migration m) {
        MigrationStep step = m.step();
        Optional<Long> started = migrations.start(m.id(), m.version(), step, now());
        if (started.isEmpty()) {
            return false; // changed meanwhile (a rollback, say): the next advance sees it
        }
        long version = m.version() + 1;
        Ended ended = step == MigrationStep.PLAN ? plan(m) : run(step, m);
        OffsetDateTime now = now();
        migrations.end(started.get(), ended.outcome(), ended.details(), now);
        boolean moved = migrations.move(m.id(), version, ended.move(), now);
        if (moved) {
            log.info("migration {} of {}: {} {}{}", m.id(), m.workspace(), step.wire(), ended.outcome().wire(),
                    ended.move().message() == null ? "" : ": " + ended.move().message());
            if (ended.outcome() == StepRecord.Outcome.REFUSED) {
                audit.record("system", "migration.pause", m.workspace(), "refused", "migration " + m.id() + " at " + step.wire() + ": "
                        + ended.move().message());
            } else if (ended.move().status().isFinal()) {
                audit.record("system", "migration." + ended.move().status().wire(), m.workspace(), "ok", "migration " + m.id());
            }
        } else {
            log.info("migration {} of {} changed while its {} step ran; that step's end is recorded, the change stands", m.id(),
                    m.workspace(), step.wire());
        }
        return true;
    }

    /** How a step's attempt ended: its timeline outcome and details, and where it moves the migration. */
    private record Ended(StepRecord.Outcome outcome, Map<String, String> details, MigrationRepository.Move move) {}

    private Ended plan(Migration m) {
        PlanResult result;
        try {
            result = actions.plan(m);
        } catch (RuntimeException e) {
            return fault(m, MigrationStep.PLAN, e);
        }
        return switch (result) {
            case PlanResult.Refused r -> paused(MigrationStep.PLAN, r.message(), null);
            case PlanResult.Planned p when !p.plan().failures().isEmpty() ->
                    paused(MigrationStep.PLAN, "the target cannot take this deployment: " + p.plan().failures(), p.plan());
            case PlanResult.Planned p -> new Ended(StepRecord.Outcome.DONE, planDetails(p.plan()), new MigrationRepository.Move(
                    MigrationStatus.AWAITING_APPROVAL, MigrationStep.PLAN, null, null, p.plan()));
        };
    }

    private static Map<String, String> planDetails(MigrationPlan plan) {
        return Map.of("address", String.valueOf(plan.reservedAddress()),
                "target_vm", plan.targetVm() == null ? "" : plan.targetVm().node() + "/" + plan.targetVm().vmid(),
                "dns_changes", Integer.toString(plan.dnsChanges().size()),
                "expected_downtime_seconds", Long.toString(plan.expectedDowntimeSeconds()));
    }

    private Ended run(MigrationStep step, Migration m) {
        StepResult result;
        try {
            result = actions.run(step, m);
        } catch (RuntimeException e) {
            return fault(m, step, e);
        }
        OffsetDateTime now = now();
        return switch (result) {
            case StepResult.Done d when step == MigrationStep.SOAK -> {
                OffsetDateTime until = now.plus(settings.soak());
                yield new Ended(StepRecord.Outcome.WAITING, d.details(), new MigrationRepository.Move(MigrationStatus.WAITING, step,
                        "the source VM stays stopped until " + until + " before it may be decommissioned", until, null));
            }
            case StepResult.Done d -> new Ended(StepRecord.Outcome.DONE, d.details(), enter(step.next(), step));
            case StepResult.Wait w -> new Ended(StepRecord.Outcome.WAITING, w.details(),
                    new MigrationRepository.Move(MigrationStatus.WAITING, step, w.why(), w.until(), null));
            case StepResult.Pending p -> new Ended(StepRecord.Outcome.PENDING, p.details(),
                    new MigrationRepository.Move(MigrationStatus.RUNNING, step, p.why(), now.plus(settings.poll()), null));
            case StepResult.Refused r -> paused(step, r.message(), null);
        };
    }

    private static Ended paused(MigrationStep step, String message, MigrationPlan plan) {
        return new Ended(StepRecord.Outcome.REFUSED, Map.of("message", message),
                new MigrationRepository.Move(MigrationStatus.PAUSED, step, message, null, plan));
    }

    /** A step that threw: a fault, not a refusal; the migration pauses all the same, saying what happened. */
    private static Ended fault(Migration m, MigrationStep step, RuntimeException e) {
        log.error("migration {} of {}: the {} step failed", m.id(), m.workspace(), step.wire(), e);
        return paused(step, "the " + step.wire() + " step failed: " + e.getMessage() + " (the orchestrator's log has more); retry"
                + " runs it again", null);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
