package dev.baozi.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One KV v2 mount: reads (latest or a version), check-and-set and plain writes, metadata, listing,
 * and deleting, destroying or restoring versions. Each method is one OpenBao call; values are
 * read straight from the answer's JSON, without copies through a generic map.
 */
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

    /** The latest version of {@code path}; empty when it does not exist or its latest version is deleted or destroyed. */
    public Optional<KvEntry> read(String path) {
        return read(path, 0);
    }

    /** Version {@code version} of {@code path} (0: the latest); empty when it does not exist, is deleted or destroyed. */
    public Optional<KvEntry> read(String path, long version) {
        String query = version > 0 ? "?version=" + version : "";
        OpenBaoResponse r = api.send("GET", mount + "/data/" + path + query, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        r.requireOk("reading " + mount + "/" + path + (version > 0 ? " version " + version : ""));
        return entry(r.data());
    }

    /** The latest version of {@code path} and its number; both from one answer, so they belong together. */
    public record Latest(Optional<KvEntry> entry, long version) {}

    /**
     * The latest version's data (empty when the path does not exist or its latest version is
     * deleted) and that version's number (0: no version yet), from a single read: a
     * check-and-set write against this number can only succeed if nothing changed since.
     */
    public Latest latest(String path) {
        OpenBaoResponse r = api.send("GET", mount + "/data/" + path, null);
        if (r.status() == 404) {
            // a deleted or destroyed latest version answers 404 with its metadata
            return new Latest(Optional.empty(), r.data().path("metadata").path("version").asLong(0));
        }
        r.requireOk("reading " + mount + "/" + path);
        return new Latest(entry(r.data()), r.data().path("metadata").path("version").asLong());
    }

    private static Optional<KvEntry> entry(JsonNode data) {
        if (data.path("data").isNull() || data.path("data").isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new KvEntry(data.path("data"), data.path("metadata").path("version").asLong()));
    }

    /**
     * Writes {@code data} as a new version of {@code path} only if its current version is
     * {@code cas} (0: the path must not exist yet); {@link CasWrite.Moved} when another writer got
     * there first.
     */
    public CasWrite write(String path, ObjectNode data, long cas) {
        if (cas < 0) {
            throw new IllegalArgumentException("a check-and-set version is 0 or more, got " + cas);
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("options").put("cas", cas);
        body.set("data", data);
        OpenBaoResponse r = api.send("POST", mount + "/data/" + path, body);
        if (r.status() == 400 && r.errors().contains("check-and-set")) {
            return new CasWrite.Moved();
        }
        r.requireOk("writing " + mount + "/" + path);
        return new CasWrite.Written(r.data().path("version").asLong());
    }

    /** Writes {@code data} as a new version of {@code path} whatever its current version; returns the new version. */
    public long put(String path, ObjectNode data) {
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        OpenBaoResponse r = api.send("POST", mount + "/data/" + path, body);
        r.requireOk("writing " + mount + "/" + path);
        return r.data().path("version").asLong();
    }

    /** The metadata of {@code path}; empty when it does not exist. */
    public Optional<KvMetadata> metadata(String path) {
        OpenBaoResponse r = api.send("GET", mount + "/metadata/" + path, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        r.requireOk("reading the metadata of " + mount + "/" + path);
        JsonNode data = r.data();
        var versions = new TreeMap<Long, KvMetadata.Version>();
        data.path("versions").properties().forEach(e -> {
            JsonNode v = e.getValue();
            KvMetadata.VersionState state = v.path("destroyed").asBoolean()
                    ? KvMetadata.VersionState.DESTROYED
                    : v.path("deletion_time").asText("").isEmpty() ? KvMetadata.VersionState.LIVE : KvMetadata.VersionState.DELETED;
            versions.put(Long.parseLong(e.getKey()), new KvMetadata.Version(OffsetDateTime.parse(v.path("created_time").asText()), state));
        });
        return Optional.of(new KvMetadata(data.path("current_version").asLong(), data.path("oldest_version").asLong(),
                data.path("max_versions").asInt(), versions));
    }

    /** Sets how many versions of {@code path} OpenBao keeps (0: the mount's default). */
    public void setMaxVersions(String path, int maxVersions) {
        api.send("POST", mount + "/metadata/" + path, JSON.createObjectNode().put("max_versions", maxVersions))
                .requireOk("setting max_versions of " + mount + "/" + path);
    }

    /** Destroys the given versions of {@code path} for good. */
    public void destroy(String path, Collection<Long> versions) {
        api.send("POST", mount + "/destroy/" + path, versionsBody(versions))
                .requireOk("destroying versions " + versions + " of " + mount + "/" + path);
    }

    /** Restores soft-deleted versions of {@code path}. */
    public void undelete(String path, Collection<Long> versions) {
        api.send("POST", mount + "/undelete/" + path, versionsBody(versions))
                .requireOk("restoring versions " + versions + " of " + mount + "/" + path);
    }

    /** Soft-deletes the latest version of {@code path}. */
    public void deleteLatest(String path) {
        OpenBaoResponse r = api.send("DELETE", mount + "/data/" + path, null);
        if (r.status() != 404) {
            r.requireOk("deleting the latest version of " + mount + "/" + path);
        }
    }

    /** Removes {@code path} with every version and its metadata; nothing to do when it does not exist. */
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
