package dev.baozi.ui.view;

import java.util.List;

/**
 * A run: header, the plan grouped by action with attribute-level diffs, the log (followed live
 * while the run moves), the decision forms the viewer may use, and the decision once made.
 */
public record RunView(Chrome chrome, long id, String workspace, Status status, boolean destroy, List<String> replace,
                      String queuedBy, String queuedAt, String startedAt, String finishedAt, String template,
                      List<WorkspaceView.Input> inputs, Plan plan, Dns dns, List<LogLine> log, int lastSeq, boolean live,
                      String hiddenLog, boolean canApprove, String whyNoApprove, boolean canDiscard, boolean canCancel,
                      boolean awaitingDecision, String comment, Decision decision, String error, String waiting) {

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
     * DNS changes planned with the run (octoDNS's dry run), one row per record set; {@code markers}
     * counts the ownership TXT records octoDNS adds or removes beside them; {@code forceReason}
     * says why approving needs force (null if it does not).
     */
    public record Dns(List<DnsChange> changes, int markers, String forceReason) {
        public boolean empty() {
            return changes.isEmpty();
        }
    }

    /** One DNS change: zone, create / update / delete, name (fully qualified), type, before and after as text. */
    public record DnsChange(String zone, String action, String name, String type, String before, String after) {}

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
