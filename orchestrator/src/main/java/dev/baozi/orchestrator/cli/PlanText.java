package dev.baozi.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.run.PlanJson;
import dev.baozi.orchestrator.run.PlanPresenter;
import dev.baozi.ui.view.RunView;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored plan (GET /api/v1/runs/{id}/plan) as text, in the shape of {@code tofu plan}'s
 * summary: each resource with its action symbol and the attributes it changes (all of them for a
 * create or destroy), outputs, what extensions planned beside tofu (DNS changes, say), then the counts. Values the plan masked stay
 * "(sensitive)"; nothing here unmasks.
 */
final class PlanText {

    private PlanText() {}

    /** {@code plan} as text, then {@code sidePlans} (the run JSON's): each row of each kind's table, and what needs force. */
    static List<String> lines(JsonNode plan, JsonNode sidePlans) {
        RunView.Plan p = PlanPresenter.present(plan);
        List<String> out = new ArrayList<>();
        for (RunView.Group group : p.groups()) {
            for (RunView.Resource r : group.resources()) {
                out.add("  # " + r.address() + " " + verb(r.action()));
                out.add("  " + symbol(r.action()) + " " + r.address());
                for (RunView.Attribute a : r.attributes()) {
                    String line = attribute(r.action(), a);
                    if (line != null) {
                        out.add(line + (r.replacedBy().contains(a.path()) ? "   # forces replacement" : ""));
                    }
                }
                out.add("");
            }
        }
        for (RunView.Output o : p.outputs()) {
            out.add("  output " + o.name() + ": " + symbol(o.action()) + " " + change(o.action(), o.before(), o.after()));
        }
        for (JsonNode side : sidePlans) {
            String kind = side.path("kind").asText();
            for (JsonNode row : side.path("table").path("rows")) {
                List<String> cells = new ArrayList<>();
                row.forEach(cell -> cells.add(cell.asText()));
                out.add("  " + kind + ": " + String.join("  ", cells));
            }
            side.path("table").path("notes").forEach(note -> out.add("  " + kind + ": " + note.asText()));
            if (side.hasNonNull("forceReason")) {
                out.add("  " + kind + " changes need force (" + side.path("forceReason").asText() + "): approve with --force-" + kind);
            }
        }
        out.add("Plan: " + p.adds() + " to add, " + p.changes() + " to change, " + p.replaces() + " to replace, "
                + p.destroys() + " to destroy.");
        return out;
    }

    private static String attribute(String action, RunView.Attribute a) {
        return switch (action) {
            case "create" -> "      + " + a.path() + " = " + a.after();
            case "delete" -> "      - " + a.path() + " = " + a.before();
            default -> a.changed() ? "      ~ " + a.path() + " = " + change("update", a.before(), a.after())
                    : a.after().equals(PlanJson.SENSITIVE) ? "      ? " + a.path() + " = (sensitive; whether it changes is not shown)"
                    : null;
        };
    }

    private static String change(String action, String before, String after) {
        if (before.isEmpty() || action.equals("create")) {
            return after;
        }
        return after.isEmpty() ? before + " -> null" : before + " -> " + after;
    }

    private static String verb(String action) {
        return switch (action) {
            case "create" -> "will be created";
            case "update" -> "will be updated in place";
            case "replace" -> "must be replaced";
            case "delete" -> "will be destroyed";
            default -> "will be " + action;
        };
    }

    private static String symbol(String action) {
        return switch (action) {
            case "create" -> "+";
            case "update" -> "~";
            case "replace" -> "-/+";
            case "delete" -> "-";
            default -> "?";
        };
    }
}
