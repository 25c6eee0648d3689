package dev.baozi.orchestrator.netbox;

import java.util.List;

/** An IP address in NetBox: its id, the address with its mask ({@code 10.0.0.5/24}), status, DNS name, description and tag slugs. */
public record IpAddress(long id, String address, String status, String dnsName, String description, List<String> tags) {

    public IpAddress {
        tags = List.copyOf(tags);
    }

    /** The address without its mask. */
    public String host() {
        int slash = address.indexOf('/');
        return slash < 0 ? address : address.substring(0, slash);
    }

    public boolean isIpv6() {
        return host().contains(":");
    }
}
