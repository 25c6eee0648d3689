package dev.baozi.ui.view;

import java.util.List;

/**
 * One migration: where it stands, its plan, its steps as a timeline, the countdown of a wait, and
 * the decisions the reader may take now ({@link Actions}).
 */
public record MigrationView(Chrome chrome, Header header, Plan plan, List<Step> steps, Countdown countdown, Actions actions) {

    public MigrationView {
        steps = List.copyOf(steps);
    }

    /**
     * Where the migration stands: {@code status} on {@code step} (its label), {@code message} why it
     * pauses or waits (null when it does not); {@code live} while it moves on its own.
     */
    public record Header(long id, String workspace, String source, String target, String pool, String storage, String bridge,
                         Status status, String step, String message, String requestedBy, String requestedAt, String updatedAt,
                         String finishedAt, boolean live) {}

    /**
     * What the plan step found: all strings as shown; {@code findings} each passed or failed;
     * {@code review}: the plan is what the migration waits on (shown open, else folded away).
     */
    public record Plan(String address, String targetVm, List<DnsChange> dnsChanges, String ttl, String backup, String downtime,
                       List<Finding> findings, boolean review) {
        public Plan {
            dnsChanges = List.copyOf(dnsChanges);
            findings = List.copyOf(findings);
        }

        public boolean failed() {
            return findings.stream().anyMatch(f -> !f.ok());
        }
    }

    public record DnsChange(String name, String type, String from, String to) {}

    public record Finding(String check, boolean ok, String detail) {}

    /**
     * One step of the sequence: its name and label, its state ({@code done}, {@code current} or
     * {@code todo}, with a status for the current one), when it first started and last ended, and
     * its timeline entries.
     */
    public record Step(String name, String label, String state, Status status, String startedAt, String endedAt,
                       List<Entry> entries) {
        public Step {
            entries = List.copyOf(entries);
        }
    }

    /** One attempt of a step or a person's decision on it, with its details and log lines. */
    public record Entry(String outcome, String by, String startedAt, String endedAt, List<Detail> details, List<String> log) {
        public Entry {
            details = List.copyOf(details);
            log = List.copyOf(log);
        }
    }

    /** A detail of an entry; {@code href} links it (the adopt step's run), null when it links nowhere. */
    public record Detail(String name, String value, String href) {}

    /** A wait that ends at {@code until} (ISO-8601, for the script), shown as {@code untilText} and {@code left}. */
    public record Countdown(String why, String until, String untilText, String left) {}

    /**
     * The decisions the reader may take now: approve {@code approveStep} (null: none for them),
     * decommission (with the confirm-destroy box), skip the wait, retry, roll back; {@code whyNot}
     * says why an approver gets no approve button (they asked for the migration); {@code comment} is
     * what the form held before a refusal.
     */
    public record Actions(String approveStep, String approveLabel, boolean decommission, String whyNot, boolean skipWait, boolean retry,
                          boolean rollback, String comment) {

        public boolean any() {
            return approveStep != null || decommission || skipWait || retry || rollback || whyNot != null;
        }
    }
}
