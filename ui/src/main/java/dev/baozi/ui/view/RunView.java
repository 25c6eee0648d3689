package dev.baozi.ui.view;

import java.util.List;

/**
 * A run: header, the plan grouped by action with attribute-level diffs, the log (followed live
 * while the run moves), the decision forms the viewer may use, and the decision once made.
 */
public record RunView(Chrome chrome, long id, String workspace, String status, String statusLabel, boolean destroy,
                      String queuedBy, String queuedAt, String startedAt, String finishedAt, String template,
                      List<WorkspaceView.Input> inputs, Plan plan, Dns dns, List<LogLine> log, int lastSeq, boolean live,
                      boolean canApprove, boolean canDiscard, boolean canCancel, boolean awaitingDecision,
                      Decision decision, String error) {

    /** The plan: counts and the changed resources, grouped create / update / replace / destroy. */
    public record Plan(int adds, int changes, int replaces, int destroys, List<Group> groups, List<Output> outputs) {
        public boolean destructive() {
            return replaces + destroys > 0;
        }

        public boolean empty() {
            return adds + changes + replaces + destroys == 0;
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

    public record Resource(String address, String action, List<Attribute> attributes, List<String> replacedBy) {}

    /**
     * One attribute's before and after, rendered as text: "(sensitive)" for values tofu marks
     * sensitive, "(known after apply)" for unknown ones, empty strings for absent ones.
     */
    public record Attribute(String path, String before, String after, boolean changed) {}

    public record Output(String name, String action, String before, String after) {}

    public record LogLine(int seq, String step, String line) {}

    /** Who approved, discarded or cancelled the run, when, and what they wrote. */
    public record Decision(String verb, String by, String at, String comment, Boolean destroyConfirmed) {}
}
