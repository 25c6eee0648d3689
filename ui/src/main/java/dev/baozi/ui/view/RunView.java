package dev.baozi.ui.view;

import java.util.List;

/**
 * A run: its header, the plan grouped by action with attribute-level diffs (null before there is
 * one), what extensions planned beside it, the actions the viewer may take, the decision once
 * made (null before), and the log (followed live while the run moves).
 */
public record RunView(Chrome chrome, Header header, Plan plan, List<SidePlan> sidePlans, Actions actions, Decision decision,
                      Log log) {

    /**
     * Which run of which workspace, where it is, how it was queued, started and finished; its
     * inputs; its error, and why it waits (null when it does not).
     */
    public record Header(long id, String workspace, Status status, boolean destroy, List<String> replace, String queuedBy,
                         String queuedAt, String startedAt, String finishedAt, String template, List<WorkspaceView.Input> inputs,
                         String error, String waiting) {}

    /**
     * What the viewer may do: decide a planned run ({@code awaitingDecision}; approve, or why not;
     * discard), cancel it; {@code comment} is what the decision form held.
     */
    public record Actions(boolean awaitingDecision, boolean canApprove, String whyNoApprove, boolean canDiscard, boolean canCancel,
                          String comment) {}

    /** The log's lines; {@code live} while the page follows it; {@code hidden} the lines the page folds away. */
    public record Log(List<LogLine> lines, int lastSeq, boolean live, String hidden) {}

    /**
     * The plan: counts and the changed resources, grouped create / update / replace / destroy /
     * import ({@code imports} counts resources brought under management, whatever else changes).
     */
    public record Plan(int adds, int changes, int replaces, int destroys, int imports, List<Group> groups, List<Output> outputs) {
        public boolean destructive() {
            return replaces + destroys > 0;
        }

        public boolean empty() {
            return adds + changes + replaces + destroys + imports == 0;
        }
    }

    public record Group(String action, String label, List<Resource> resources) {}

    /**
     * What an extension planned beside tofu (DNS changes, say), as its kind's presenter shows it:
     * a table of changes under {@code title} ({@code noChanges} said when it is empty), notes,
     * and when approving needs force, why and what its force box says.
     */
    public record SidePlan(String kind, String title, String noChanges, List<String> columns, List<List<String>> rows,
                           List<String> notes, String forceReason, String forceLabel) {
        public boolean empty() {
            return rows.isEmpty();
        }

        public boolean needsForce() {
            return forceReason != null;
        }
    }

    /** One resource's change; {@code importing} is the id tofu imports it from (null when not imported). */
    public record Resource(String address, String action, List<Attribute> attributes, List<String> replacedBy, String importing) {

        /** The attributes the change touches, shown first. */
        public List<Attribute> changed() {
            return attributes.stream().filter(Attribute::changed).toList();
        }

        /** The attributes that stay as they are, behind a disclosure. */
        public List<Attribute> unchanged() {
            return attributes.stream().filter(a -> !a.changed()).toList();
        }
    }

    /**
     * One attribute's before and after, rendered as text: "(sensitive)" for values tofu marks
     * sensitive, "(known after apply)" for unknown ones, empty strings for absent ones.
     */
    public record Attribute(String path, String before, String after, boolean changed) {}

    public record Output(String name, String action, String before, String after) {}

    /** One log line: {@code at} is its time of day (UTC), {@code at} and {@code step} prefix it. */
    public record LogLine(int seq, String at, String step, String line) {}

    /** Who approved, discarded or cancelled the run, when, and what they wrote. */
    public record Decision(String verb, String by, String at, String comment, Boolean destroyConfirmed) {}
}
