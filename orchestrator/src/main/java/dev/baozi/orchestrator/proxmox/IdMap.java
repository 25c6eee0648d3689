package dev.baozi.orchestrator.proxmox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * PVE's {@code storage-pair-list} and {@code bridge-pair-list} for a remote migration: {@code source:target}
 * pairs, and a target for everything not paired ({@code target-storage=local-lvm:fast,slow}).
 */
public record IdMap(Map<String, String> pairs, Optional<String> fallback) {

    public IdMap {
        pairs = Map.copyOf(pairs);
        if (pairs.isEmpty() && fallback.isEmpty()) {
            throw new IllegalArgumentException("a storage or bridge map needs a pair or a default target");
        }
        for (var e : pairs.entrySet()) {
            requireId(e.getKey());
            requireId(e.getValue());
        }
        fallback.ifPresent(IdMap::requireId);
    }

    /** Everything to {@code target}. */
    public static IdMap all(String target) {
        return new IdMap(Map.of(), Optional.of(target));
    }

    /** Each source to its target; what is not listed keeps its name. */
    public static IdMap of(Map<String, String> pairs) {
        return new IdMap(pairs, Optional.empty());
    }

    private static void requireId(String id) {
        if (id == null || !id.matches("[A-Za-z][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("a storage or bridge id starts with a letter and holds letters, digits, '.', '-', '_', got '"
                    + id + "'");
        }
    }

    /** The wire form: pairs in name order, then the default. */
    public String wire() {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(pairs).forEach((k, v) -> parts.add(k + ":" + v));
        fallback.ifPresent(parts::add);
        return String.join(",", parts);
    }
}
