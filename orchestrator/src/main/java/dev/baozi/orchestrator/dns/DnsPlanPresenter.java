package dev.baozi.orchestrator.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.run.SidePlan;
import dev.baozi.orchestrator.run.SidePlanPresenter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Shows a run's DNS plan (octoDNS's plan per zone): one row per record set changed (change, name,
 * type, before, after); the ownership TXT records octoDNS keeps beside them are counted in a note,
 * not listed.
 */
public final class DnsPlanPresenter implements SidePlanPresenter {

    public static final String KIND = "dns";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Table table(SidePlan plan) {
        JsonNode document;
        try {
            document = JSON.readTree(plan.document());
        } catch (IOException e) {
            throw new IllegalStateException("a run's stored DNS plan is not JSON: " + e.getMessage(), e);
        }
        List<List<String>> rows = new ArrayList<>();
        int markers = 0;
        for (JsonNode zone : document.path("zones")) {
            String z = zone.path("zone").asText();
            for (JsonNode c : zone.path("changes")) {
                String name = c.path("name").asText();
                if (name.startsWith("_owner")) {
                    markers++;
                    continue;
                }
                rows.add(List.of(c.path("type").asText(), name.isEmpty() ? z : name + "." + z, c.path("record_type").asText(),
                        value(c.path("existing")), value(c.path("new"))));
            }
        }
        List<String> notes = markers == 0 ? List.of() : List.of("Plus " + markers
                + " ownership marker(s) (_owner TXT records octoDNS keeps beside Baozi's records).");
        return new Table("DNS changes", "No DNS changes: the managed zones already hold this deployment's records.",
                List.of("Change", "Name", "Type", "Before", "After"), List.copyOf(rows), notes,
                "Force these DNS changes past octoDNS's safety thresholds");
    }

    private static String value(JsonNode record) {
        if (record.isMissingNode() || record.isNull()) {
            return "";
        }
        List<String> values = new ArrayList<>();
        if (record.has("values")) {
            record.path("values").forEach(v -> values.add(v.asText()));
        } else if (record.has("value")) {
            values.add(record.path("value").asText());
        }
        return String.join(", ", values) + " (TTL " + record.path("ttl").asText("?") + ")";
    }
}
