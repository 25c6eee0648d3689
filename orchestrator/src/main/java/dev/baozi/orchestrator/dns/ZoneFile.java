package dev.baozi.orchestrator.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An octoDNS zone file (the YamlProvider's {@code <zone>.yaml}) built as data: every name holds a
 * list of its record sets, sorted by name and type, so the same records give the same bytes.
 */
public final class ZoneFile {

    private ZoneFile() {}

    public static String yaml(List<DnsRecord> records) {
        ObjectMapper yaml = OctoDnsConfig.YAML;
        ObjectNode root = yaml.createObjectNode();
        Map<String, List<DnsRecord>> byName = new TreeMap<>();
        for (DnsRecord r : records) {
            byName.computeIfAbsent(r.name(), n -> new ArrayList<>()).add(r);
        }
        byName.forEach((name, sets) -> {
            ArrayNode list = root.putArray(name);
            sets.stream().sorted(Comparator.comparing(DnsRecord::type)).forEach(r -> {
                ObjectNode set = list.addObject();
                set.put("ttl", r.ttl());
                set.put("type", r.type());
                if (r.values().size() == 1) {
                    set.put("value", r.values().getFirst());
                } else {
                    ArrayNode values = set.putArray("values");
                    r.values().stream().sorted().forEach(values::add);
                }
            });
        });
        return OctoDnsConfig.write(root);
    }
}
