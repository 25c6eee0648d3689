package dev.baozi.orchestrator.netbox;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The pools page's data: every prefix and IP range in NetBox, how full it is and who holds what. */
public final class PoolsService {

    private final NetBoxClient netbox;

    public PoolsService(NetBoxClient netbox) {
        this.netbox = netbox;
    }

    public List<PoolUsage> usage() {
        List<PoolUsage> all = new ArrayList<>();
        for (NetBoxClient.PrefixInfo p : netbox.prefixes()) {
            List<PoolUsage.Holder> holders = netbox.addressesIn(p.prefix()).stream().map(PoolsService::holder).toList();
            all.add(new PoolUsage("prefix", p.id(), p.prefix(), p.status(), p.description(), size(p.prefix(), p.isPool()),
                    holders.size(), holders));
        }
        for (NetBoxClient.RangeInfo r : netbox.ranges()) {
            String start = NetBoxClient.host(r.start());
            String end = NetBoxClient.host(r.end());
            List<PoolUsage.Holder> holders = netbox.addressesIn(covering(r.start())).stream()
                    .filter(a -> inRange(a.host(), start, end)).map(PoolsService::holder).toList();
            all.add(new PoolUsage("range", r.id(), start + "-" + end, r.status(), r.description(), (long) r.size(), holders.size(),
                    holders));
        }
        return all;
    }

    private static PoolUsage.Holder holder(IpAddress a) {
        String deployment = a.tags().stream().filter(t -> t.startsWith("baozi-")).map(t -> t.substring("baozi-".length()))
                .findFirst().orElse(null);
        return new PoolUsage.Holder(a.address(), deployment, a.dnsName(), a.status(), a.description());
    }

    /** How many addresses a prefix hands out: IPv4 leaves out the network and broadcast addresses unless it is a pool or a /31 or /32. */
    static Long size(String cidr, boolean pool) {
        int slash = cidr.indexOf('/');
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        boolean v6 = cidr.contains(":");
        int hostBits = (v6 ? 128 : 32) - bits;
        if (hostBits > 62) {
            return null;
        }
        long all = 1L << hostBits;
        return v6 || pool || hostBits <= 1 ? all : all - 2;
    }

    /** The prefix that holds an IP range's addresses (the range's own mask, as NetBox keeps it). */
    private static String covering(String startWithMask) {
        return startWithMask.contains("/") ? startWithMask : startWithMask + (startWithMask.contains(":") ? "/128" : "/32");
    }

    static boolean inRange(String address, String start, String end) {
        return compare(address, start) >= 0 && compare(address, end) <= 0;
    }

    private static int compare(String a, String b) {
        try {
            byte[] x = InetAddress.getByName(a).getAddress();
            byte[] y = InetAddress.getByName(b).getAddress();
            if (x.length != y.length) {
                return Integer.compare(x.length, y.length);
            }
            return Arrays.compareUnsigned(x, y);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + a + " or " + b, e);
        }
    }
}
