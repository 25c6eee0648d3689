package dev.baozi.orchestrator.dns;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The zones Baozi manages, and where a host name falls among them. Names are checked as RFC 1123
 * host names (labels of letters, digits and hyphens, 1 to 63 characters, not starting or ending
 * with a hyphen; 253 characters in all) and placed in the longest managed zone that holds them.
 */
public final class ManagedZones {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private final List<String> zones;

    public ManagedZones(List<String> zones) {
        this.zones = zones.stream().map(ManagedZones::normal).sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public List<String> zones() {
        return zones.stream().sorted().toList();
    }

    public boolean isEmpty() {
        return zones.isEmpty();
    }

    /** A name placed in a zone: the zone and the name relative to it ("" for the apex). */
    public record Placement(String zone, String relative) {}

    /** Where {@code hostname} goes, or why it cannot go anywhere (as a sentence naming it). */
    public sealed interface Outcome {
        record Placed(Placement placement) implements Outcome {}

        record Refused(String reason) implements Outcome {}
    }

    public Outcome place(String hostname) {
        Optional<String> problem = problem(hostname);
        if (problem.isPresent()) {
            return new Outcome.Refused(problem.get());
        }
        String name = normal(hostname);
        for (String zone : zones) {
            if (name.equals(zone)) {
                return new Outcome.Placed(new Placement(zone, ""));
            }
            if (name.endsWith("." + zone)) {
                return new Outcome.Placed(new Placement(zone, name.substring(0, name.length() - zone.length() - 1)));
            }
        }
        return new Outcome.Refused("'" + hostname + "' is in none of the zones Baozi manages ("
                + (zones.isEmpty() ? "none are configured: set dns.zones" : String.join(", ", zones())) + ")");
    }

    /** Why {@code hostname} is not an RFC 1123 host name; empty if it is one. */
    public static Optional<String> problem(String hostname) {
        if (hostname == null || hostname.isBlank()) {
            return Optional.of("a host name is required");
        }
        String name = normal(hostname);
        if (name.length() > 253) {
            return Optional.of("'" + hostname + "' is longer than 253 characters");
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.of("'" + hostname + "' is not a valid host name: "
                        + (label.isEmpty() ? "it has an empty label"
                                : label.length() > 63 ? "the label '" + label + "' is longer than 63 characters"
                                : "the label '" + label + "' may hold only letters, digits and inner hyphens"));
            }
        }
        return Optional.empty();
    }

    /** Lower case, without a final dot. */
    static String normal(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
