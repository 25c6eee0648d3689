package dev.baozi.orchestrator.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * KV v2 on one mount. The Java driver covers login and renewal; this covers what it does not:
 * check-and-set writes, version reads, metadata, and large values without copies through a
 * generic map.
 */
public final class OpenBaoKv {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenBaoHttp http;
    private final String mount;

    public OpenBaoKv(OpenBaoHttp http, String mount) {
        this.http = http;
        this.mount = mount;
    }

    public OpenBaoKv(URI address, String mount, Supplier<String> token, Duration timeout) {
        this(new OpenBaoHttp(address, token, timeout), mount);
    }

    public static OpenBaoKv forSession(OpenBaoSession session) {
        return new OpenBaoKv(OpenBaoHttp.forSession(session), session.settings().kvMount());
    }

    /** The latest version of {@code path}, unless it does not exist or its latest version was deleted. */
    public Optional<KvEntry> read(String path) {
        return read(path, 0);
    }

    /** The latest version of {@code path} and its number; both from one answer, so they belong together. */
    public record Latest(Optional<KvEntry> entry, long version) {}

    /**
     * The latest version's data (empty when the path does not exist or its latest version is
     * deleted) and that version's number (0: no version yet), from a single read: a
     * check-and-set write against this number can only succeed if nothing changed since.
     */
    public Latest latest(String path) {
        OpenBaoHttp.Response r = send("GET", "data/" + path, null);
        if (r.status() == 404) {
            return new Latest(Optional.empty(), r.body().path("data").path("metadata").path("version").asLong(0));
        }
        r.requireOk("reading " + path);
        JsonNode data = r.body().path("data");
        long version = data.path("metadata").path("version").asLong();
        boolean present = !(data.path("data").isNull() || data.path("data").isMissingNode());
        return new Latest(present ? Optional.of(new KvEntry(data.path("data"), version)) : Optional.empty(), version);
    }

    /** Version {@code version} of {@code path} (0: latest). */
    public Optional<KvEntry> read(String path, long version) {
        String query = version > 0 ? "?version=" + version : "";
        OpenBaoHttp.Response r = send("GET", "data/" + path + query, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        r.requireOk("reading " + path);
        JsonNode data = r.body().path("data");
        if (data.path("data").isNull() || data.path("data").isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new KvEntry(data.path("data"), data.path("metadata").path("version").asLong()));
    }

    /**
     * Writes {@code data} as a new version of {@code path} if its current version is {@code cas}
     * (0: the path must not exist yet). Returns the new version, or empty when another writer got there first.
     */
    public OptionalLong write(String path, ObjectNode data, long cas) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("options").put("cas", cas);
        body.set("data", data);
        OpenBaoHttp.Response r = send("POST", "data/" + path, body);
        if (r.status() == 400 && r.errors().contains("check-and-set")) {
            return OptionalLong.empty();
        }
        r.requireOk("writing " + path);
        return OptionalLong.of(r.body().path("data").path("version").asLong());
    }

    /** Writes without check-and-set. */
    public long put(String path, ObjectNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        OpenBaoHttp.Response r = send("POST", "data/" + path, body);
        r.requireOk("writing " + path);
        return r.body().path("data").path("version").asLong();
    }

    public Optional<KvMetadata> metadata(String path) {
        OpenBaoHttp.Response r = send("GET", "metadata/" + path, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        r.requireOk("reading metadata of " + path);
        JsonNode data = r.body().path("data");
        var versions = new TreeMap<Long, OffsetDateTime>();
        Iterator<Map.Entry<String, JsonNode>> it = data.path("versions").fields();
        while (it.hasNext()) {
            var e = it.next();
            versions.put(Long.parseLong(e.getKey()), OffsetDateTime.parse(e.getValue().path("created_time").asText()));
        }
        return Optional.of(new KvMetadata(data.path("current_version").asLong(), data.path("oldest_version").asLong(),
                data.path("max_versions").asInt(), versions));
    }

    /** Sets how many versions of {@code path} OpenBao keeps (0: its mount default). */
    public void setMaxVersions(String path, int maxVersions) {
        OpenBaoHttp.Response r = send("POST", "metadata/" + path, JSON.createObjectNode().put("max_versions", maxVersions));
        r.requireOk("setting max_versions of " + path);
    }

    /** Removes {@code path} with all its versions. */
    public void destroyAll(String path) {
        OpenBaoHttp.Response r = send("DELETE", "metadata/" + path, null);
        if (r.status() != 404) {
            r.requireOk("deleting " + path);
        }
    }

    /** The keys directly under {@code folder} (sub-folders end in {@code /}). */
    public List<String> list(String folder) {
        OpenBaoHttp.Response r = send("LIST", "metadata/" + folder, null);
        if (r.status() == 404) {
            return List.of();
        }
        r.requireOk("listing " + folder);
        List<String> keys = new ArrayList<>();
        r.body().path("data").path("keys").forEach(k -> keys.add(k.asText()));
        return keys;
    }

    private OpenBaoHttp.Response send(String method, String path, JsonNode body) {
        return http.send(method, mount + "/" + path, body);
    }
}
