package dev.baozi.orchestrator.netbox;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reserves deployments' addresses in NetBox. A deployment's address carries the tag
 * {@code baozi-<deployment>}, which is how it is found again: reserving is idempotent per
 * deployment, and when NetBox's answer to an allocation is lost (a timeout), the address is
 * looked up by its tag before anything is allocated again, so an unanswered request never costs
 * a second address.
 */
public final class AddressReservations {

    /** Every address Baozi reserves carries this tag, besides its deployment's. */
    public static final String BAOZI_TAG = "baozi";

    private final NetBoxClient netbox;

    public AddressReservations(NetBoxClient netbox) {
        this.netbox = netbox;
    }

    public NetBoxClient client() {
        return netbox;
    }

    /** The tag of a deployment's address. */
    public static String tag(String deployment) {
        return "baozi-" + deployment;
    }

    /** A pool as NetBox knows it: its id and whether it is an IP range. */
    public record Resolved(Pool pool, long id, boolean range) {}

    /** The pool in NetBox; empty when NetBox has no such prefix or range. */
    public Optional<Resolved> resolve(Pool pool) {
        return switch (pool) {
            case Pool.Prefix p -> netbox.prefix(p.cidr()).map(i -> new Resolved(pool, i.id(), false));
            case Pool.Range r -> netbox.range(r.start(), r.end()).map(i -> new Resolved(pool, i.id(), true));
        };
    }

    /** What reserving came to. Refusals are results. */
    public sealed interface Outcome {
        /** The deployment's address: {@code found} when it already had one. */
        record Reserved(IpAddress address, boolean found) implements Outcome {}

        record Exhausted(String message) implements Outcome {}

        record UnknownPool(String message) implements Outcome {}
    }

    /** The address the deployment holds now (the lowest id, should there be several). */
    public Optional<IpAddress> held(String deployment) {
        return netbox.addressesTagged(tag(deployment)).stream().min(Comparator.comparingLong(IpAddress::id));
    }

    /** Every address tagged with the deployment. */
    public List<IpAddress> allHeld(String deployment) {
        return netbox.addressesTagged(tag(deployment));
    }

    /**
     * The deployment's address: the one it holds, else the lowest free one of {@code pool},
     * reserved ({@code status: reserved}) with the deployment's tags and {@code dnsName}.
     */
    public Outcome reserve(String deployment, Pool pool, String dnsName, String why) {
        Optional<IpAddress> existing = held(deployment);
        if (existing.isPresent()) {
            return new Outcome.Reserved(existing.get(), true);
        }
        Optional<Resolved> resolved = resolve(pool);
        if (resolved.isEmpty()) {
            return new Outcome.UnknownPool("NetBox has no " + pool);
        }
        netbox.ensureTag(BAOZI_TAG, "Addresses Baozi reserved for deployments");
        netbox.ensureTag(tag(deployment), "The address of Baozi deployment " + deployment);
        var request = new NetBoxClient.NewAddress("reserved", dnsName, why, List.of(BAOZI_TAG, tag(deployment)));
        try {
            return new Outcome.Reserved(netbox.allocate(resolved.get().id(), resolved.get().range(), request), false);
        } catch (NetBoxException e) {
            if (e.status() == 409) {
                return new Outcome.Exhausted(pool + " has no free address");
            }
            if (e.unanswered()) {
                // NetBox may have allocated it before the answer was lost: look for it before trying again
                Optional<IpAddress> made = held(deployment);
                if (made.isPresent()) {
                    return new Outcome.Reserved(made.get(), false);
                }
            }
            throw e;
        }
    }

    /** Gives an address back to its pool; false when it was already gone. */
    public boolean release(IpAddress address) {
        return netbox.delete(address.id());
    }
}
