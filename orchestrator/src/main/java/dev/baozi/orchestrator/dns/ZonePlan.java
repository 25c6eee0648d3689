package dev.baozi.orchestrator.dns;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What octoDNS's dry run said would change in one zone: its changes (octoDNS's JSON plan:
 * {@code type} create, update or delete, {@code name}, {@code record_type}, {@code existing},
 * {@code new}), the checksum an apply must present, the zone file it was made from, and, when the
 * changes go over octoDNS's safety thresholds, octoDNS's sentence saying so (null otherwise): such a
 * plan is applied only with an explicit force.
 */
public record ZonePlan(String zone, String checksum, JsonNode changes, String zoneFile, String forceReason) {

    public boolean hasChanges() {
        return changes.isArray() && !changes.isEmpty();
    }

    public boolean needsForce() {
        return forceReason != null;
    }
}
