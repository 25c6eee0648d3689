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
 * create or destroy), outputs, DNS changes, then the counts. Values the plan masked stay
 * "(sensitive)"; nothing here unmasks.
 */
final class PlanText {

    private PlanText() {}

    static List<String> lines(JsonNode plan, String dnsForceReason) {
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
        RunView.Dns dns = PlanPresenter.dns(plan.path("dns"), dnsForceReason);
        if (dns != null) {
            for (RunView.DnsChange c : dns.changes()) {
                out.add("  dns " + c.zone() + ": " + c.action() + " " + c.name() + " " + c.type() + ": "
                        + (c.before().isEmpty() ? "" : c.before() + " -> ") + c.after());
            }
            if (dns.forceReason() != null) {
                out.add("  dns changes over octoDNS's safety thresholds (" + dns.forceReason() + "): approve with --force-dns");
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
