package dev.baozi.orchestrator.migration;

import java.util.List;

/**
 * What the migration wizard offers to choose from: the registered providers, the address pools, and
 * a provider's storages and bridges (on the node new VMs go to). Declared here, answered by the
 * provider and netbox packages in the wiring; a list that cannot be read comes back empty with a
 * {@code problem}, and the wizard asks for the value as text.
 */
public interface TargetChoices {

    List<String> providers();

    /** The pools addresses come from (NetBox prefixes and ranges), as a migration's target pool names them. */
    Listing pools();

    /** The storages (for VM disks) and bridges of {@code provider}. */
    Placement placement(String provider);

    /** Choices with a label each ("local-lvm (80 GiB free)"), or a problem saying why there are none. */
    record Listing(List<Choice> choices, String problem) {
        public Listing {
            choices = List.copyOf(choices);
        }

        public static Listing unknown(String problem) {
            return new Listing(List.of(), problem);
        }
    }

    record Choice(String value, String label) {}

    /** Where a VM lands on a provider: its node, storages and bridges. */
    record Placement(String node, Listing storages, Listing bridges) {}

    /** Knows nothing: every field is text. */
    TargetChoices NONE = new TargetChoices() {
        @Override
        public List<String> providers() {
            return List.of();
        }

        @Override
        public Listing pools() {
            return Listing.unknown(null);
        }

        @Override
        public Placement placement(String provider) {
            return new Placement(null, Listing.unknown(null), Listing.unknown(null));
        }
    };
}
