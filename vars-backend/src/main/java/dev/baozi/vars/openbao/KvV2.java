package dev.baozi.vars.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/** One KV v2 mount: versioned reads, check-and-set writes, metadata, and destroying or restoring versions. */
public final class KvV2 {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenBaoApi api;
    private final String mount;

    public KvV2(OpenBaoApi api, String mount) {
        this.api = api;
        this.mount = mount;
    }

    public String mount() {
        return mount;
    }

    /** One version's data. */
    public record Entry(JsonNode data, long version) {
        @Override
        public String toString() {
            return "Entry[version=" + version + ", data=(hidden)]";
        }
    }

    /** What OpenBao keeps of one version. */
    public enum VersionState { LIVE, DELETED, DESTROYED }

    /** A path's versions as metadata shows them; {@code versions} only holds those OpenBao still keeps. */
    public record Metadata(long currentVersion, Map<Long, VersionState> versions) {
        public VersionState state(long version) {
            VersionState s = versions.get(version);
            return s == null ? VersionState.DESTROYED : s;
        }
    }

    /** Version {@code version} of {@code path} (0: the latest); empty when it does not exist, is deleted or destroyed. */
    public Optional<Entry> read(String path, long version) {
        String query = version > 0 ? "?version=" + version : "";
        OpenBaoResponse r = api.send("GET", mount + "/data/" + path + query, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        r.requireOk("reading " + mount + "/" + path + (version > 0 ? " version " + version : ""));
        JsonNode data = r.data();
        if (data.path("data").isNull() || data.path("data").isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(data.path("data"), data.path("metadata").path("version").asLong()));
    }

    /**
     * Writes {@code data} as a new version of {@code path}; with {@code cas} ≥ 0 only if the
     * current version is {@code cas} (0: the path must not exist yet). Empty when another writer
     * got there first.
     */
    public OptionalLong write(String path, ObjectNode data, long cas) {
        ObjectNode body = JSON.createObjectNode();
        if (cas >= 0) {
            body.putObject("options").put("cas", cas);
        }
        body.set("data", data);
        OpenBaoResponse r = api.send("POST", mount + "/data/" + path, body);
        if (r.status() == 400 && r.errors().contains("check-and-set")) {
            return OptionalLong.empty();
        }
        r.requireOk("writing " + mount + "/" + path);
        return OptionalLong.of(r.data().path("version").asLong());
    }

    public Optional<Metadata> metadata(String path) {
        OpenBaoResponse r = api.send("GET", mount + "/metadata/" + path, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        r.requireOk("reading the metadata of " + mount + "/" + path);
        JsonNode data = r.data();
        var versions = new TreeMap<Long, VersionState>();
        data.path("versions").properties().forEach(e -> {
            JsonNode v = e.getValue();
            VersionState state = v.path("destroyed").asBoolean()
                    ? VersionState.DESTROYED
                    : v.path("deletion_time").asText("").isEmpty() ? VersionState.LIVE : VersionState.DELETED;
            versions.put(Long.parseLong(e.getKey()), state);
        });
        return Optional.of(new Metadata(data.path("current_version").asLong(), versions));
    }

    /** Destroys the given versions of {@code path} for good. */
    public void destroy(String path, Collection<Long> versions) {
        OpenBaoResponse r = api.send("POST", mount + "/destroy/" + path, versionsBody(versions));
        r.requireOk("destroying versions " + versions + " of " + mount + "/" + path);
    }

    /** Restores soft-deleted versions of {@code path}. */
    public void undelete(String path, Collection<Long> versions) {
        OpenBaoResponse r = api.send("POST", mount + "/undelete/" + path, versionsBody(versions));
        r.requireOk("restoring versions " + versions + " of " + mount + "/" + path);
    }

    /** Soft-deletes the latest version of {@code path}. */
    public void deleteLatest(String path) {
        OpenBaoResponse r = api.send("DELETE", mount + "/data/" + path, null);
        if (r.status() != 404) {
            r.requireOk("deleting the latest version of " + mount + "/" + path);
        }
    }

    /** Removes {@code path} with every version and its metadata. */
    public void deleteAll(String path) {
        OpenBaoResponse r = api.send("DELETE", mount + "/metadata/" + path, null);
        if (r.status() != 404) {
            r.requireOk("deleting " + mount + "/" + path + " with all its versions");
        }
    }

    /** The keys directly under {@code folder} (sub-folders end in {@code /}); empty when there is none. */
    public List<String> list(String folder) {
        OpenBaoResponse r = api.send("LIST", mount + "/metadata/" + folder, null);
        if (r.status() == 404) {
            return List.of();
        }
        r.requireOk("listing " + mount + "/" + folder);
        List<String> keys = new ArrayList<>();
        r.data().path("keys").forEach(k -> keys.add(k.asText()));
        return keys;
    }

    private static ObjectNode versionsBody(Collection<Long> versions) {
        ObjectNode body = JSON.createObjectNode();
        var list = body.putArray("versions");
        versions.forEach(list::add);
        return body;
    }
}
