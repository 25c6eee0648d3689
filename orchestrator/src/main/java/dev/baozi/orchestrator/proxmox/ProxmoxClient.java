package dev.baozi.orchestrator.proxmox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A typed client of one Proxmox VE cluster's JSON API ({@code https://host:8006/api2/json}),
 * authenticated with an API token. Reads are GETs with query strings, writes are form-encoded
 * POSTs/PUTs; every answer is PVE's {@code {"data": …}}. Failures are {@link ProxmoxException}s.
 * Thread-safe; clients made from one base {@link OkHttpClient} share its connections and threads.
 *
 * <p>It holds what Baozi asks of a cluster: nodes and their capacity, bridges, VMs' config and power
 * (a graceful shutdown that falls back to a stop), tasks (awaited by UPID, with their logs), storages,
 * backups (vzdump, restore, delete), the guest agent's files and remote migration to another cluster.
 */
public final class ProxmoxClient {

    /** How many lines of a failed task's log a {@link ProxmoxException.TaskFailed} carries. */
    public static final int LOG_TAIL = 20;

    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration MAX_POLL = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OkHttpClient SHARED = new OkHttpClient.Builder()
            .connectTimeout(10, TimeUnit.SECONDS)
            .readTimeout(60, TimeUnit.SECONDS)
            .writeTimeout(60, TimeUnit.SECONDS)
            .followRedirects(false)
            .build();

    private final HttpUrl base;
    private final String endpoint;
    private final ApiToken token;
    private final OkHttpClient http;

    private ProxmoxClient(HttpUrl base, ApiToken token, OkHttpClient http) {
        this.base = base;
        this.endpoint = origin(base);
        this.token = token;
        this.http = http;
    }

    /** A client of the PVE API at {@code endpoint} ({@code https://host:8006}; {@code /api2/json} is added when missing). */
    public static ProxmoxClient connect(URI endpoint, ApiToken token, TlsSettings tls) {
        return connect(endpoint, token, tls, SHARED);
    }

    /** As {@link #connect(URI, ApiToken, TlsSettings)}, sharing {@code base}'s connection pool, threads and timeouts. */
    public static ProxmoxClient connect(URI endpoint, ApiToken token, TlsSettings tls, OkHttpClient base) {
        HttpUrl url = apiBase(endpoint);
        OkHttpClient.Builder builder = base.newBuilder();
        if (url.isHttps()) {
            TlsTrust.apply(builder, tls, origin(url));
        }
        return new ProxmoxClient(url, token, builder.build());
    }

    /**
     * The API base for an endpoint: an {@code https} (or, for tests without TLS, {@code http}) URL
     * with a host, no query or fragment; its path gets {@code /api2/json} unless it ends with it.
     */
    public static HttpUrl apiBase(URI endpoint) {
        if (endpoint == null || endpoint.getHost() == null
                || !("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme()))) {
            throw new IllegalArgumentException("a Proxmox endpoint is an https:// URL with a host, like https://pve.example:8006, got "
                    + endpoint);
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null || endpoint.getRawUserInfo() != null) {
            throw new IllegalArgumentException("a Proxmox endpoint has no user, query or fragment, got " + endpoint);
        }
        HttpUrl url = HttpUrl.get(endpoint.toString());
        List<String> segments = new ArrayList<>(url.pathSegments().stream().filter(s -> !s.isEmpty()).toList());
        if (!(segments.size() >= 2 && segments.get(segments.size() - 2).equals("api2") && segments.getLast().equals("json"))) {
            segments.add("api2");
            segments.add("json");
        }
        HttpUrl.Builder b = url.newBuilder().encodedPath("/");
        segments.forEach(b::addPathSegment);
        return b.build();
    }

    /** The endpoint this client talks to, as {@code https://host:port}. */
    public String endpoint() {
        return endpoint;
    }

    public String tokenId() {
        return token.tokenId();
    }

    // ---- cluster, nodes ----

    /** {@code GET /version}. */
    public ProxmoxVersion version() {
        JsonNode d = data("GET", "reading the version", List.of("version"), Map.of());
        return new ProxmoxVersion(d.path("version").asText(), d.path("release").asText(), d.path("repoid").asText());
    }

    /** {@code GET /nodes}, sorted by name. */
    public List<ProxmoxNode> nodes() {
        JsonNode d = data("GET", "listing the nodes", List.of("nodes"), Map.of());
        List<ProxmoxNode> nodes = new ArrayList<>();
        for (JsonNode n : array(d, "listing the nodes")) {
            nodes.add(new ProxmoxNode(n.path("node").asText(), n.path("status").asText("unknown"), decimal(n, "cpu"),
                    (int) number(n, "maxcpu"), number(n, "mem"), number(n, "maxmem"), number(n, "uptime")));
        }
        nodes.sort(java.util.Comparator.comparing(ProxmoxNode::name));
        return nodes;
    }

    // ---- VMs ----

    /** Every QEMU VM in the cluster ({@code GET /cluster/resources?type=vm}; containers are left out), by vmid. */
    public List<Vm> vms() {
        String what = "listing the VMs of the cluster";
        JsonNode d = data("GET", what, List.of("cluster", "resources"), Map.of("type", "vm"));
        List<Vm> vms = new ArrayList<>();
        for (JsonNode v : array(d, what)) {
            String type = v.path("type").asText("qemu");
            if (type.equals("qemu")) {
                vms.add(vm(v, v.path("node").asText()));
            }
        }
        vms.sort(java.util.Comparator.comparingInt(Vm::vmid));
        return vms;
    }

    // ---- nodes: capacity and network ----

    /** {@code GET /nodes/{node}/status}: the node's memory and CPUs, for a capacity check. */
    public NodeStatus nodeStatus(String node) {
        String what = "reading the status of node " + node;
        JsonNode d = data("GET", what, List.of("nodes", node, "status"), Map.of());
        JsonNode memory = d.path("memory");
        if (!memory.isObject()) {
            throw unexpected(what, "no memory figures in the answer");
        }
        long total = number(memory, "total");
        long used = number(memory, "used");
        long free = memory.has("available") ? number(memory, "available") : memory.has("free") ? number(memory, "free") : total - used;
        return new NodeStatus(node, total, used, free, (int) number(d.path("cpuinfo"), "cpus"), decimal(d, "cpu"));
    }

    /** The Linux bridges of {@code node} ({@code GET /nodes/{node}/network?type=any_bridge}), by name. */
    public List<String> bridges(String node) {
        String what = "listing the bridges of node " + node;
        JsonNode d = data("GET", what, List.of("nodes", node, "network"), Map.of("type", "any_bridge"));
        List<String> names = new ArrayList<>();
        for (JsonNode iface : array(d, what)) {
            names.add(iface.path("iface").asText());
        }
        names.sort(null);
        return names;
    }

    // ---- VMs: config and power ----

    /** {@code GET /cluster/nextid}: a free VM id. */
    public int nextId() {
        JsonNode d = data("GET", "asking for a free VM id", List.of("cluster", "nextid"), Map.of());
        long id = number(d);
        if (id <= 0) {
            throw unexpected("asking for a free VM id", "no id in " + d);
        }
        return (int) id;
    }

    /** The QEMU VMs on {@code node} ({@code GET /nodes/{node}/qemu}), by vmid. */
    public List<Vm> vms(String node) {
        String what = "listing the VMs on node " + node;
        JsonNode d = data("GET", what, List.of("nodes", node, "qemu"), Map.of());
        List<Vm> vms = new ArrayList<>();
        for (JsonNode v : array(d, what)) {
            vms.add(vm(v, node));
        }
        vms.sort(java.util.Comparator.comparingInt(Vm::vmid));
        return vms;
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/config}. */
    public VmConfig config(String node, int vmid) {
        JsonNode d = data("GET", "reading the config of VM " + vmid + " on " + node, vmPath(node, vmid, "config"), Map.of());
        Map<String, String> values = new TreeMap<>();
        d.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
                : e.getValue().toString()));
        return new VmConfig(values);
    }

    /**
     * Changes a VM's config ({@code POST /nodes/{node}/qemu/{vmid}/config}, which PVE runs as a
     * task); {@code values} in PVE's own syntax, e.g. {@code cores=4}, {@code net0=virtio,bridge=vmbr0,tag=20}.
     */
    public Upid configure(String node, int vmid, Map<String, String> values) {
        return task("POST", "changing the config of VM " + vmid + " on " + node, vmPath(node, vmid, "config"),
                new LinkedHashMap<>(values));
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/status/current}. */
    public VmStatus status(String node, int vmid) {
        JsonNode d = data("GET", "reading the status of VM " + vmid + " on " + node, vmPath(node, vmid, "status", "current"),
                Map.of());
        return new VmStatus(vmid, d.path("name").asText(""), d.path("status").asText(), d.path("qmpstatus").asText(""),
                decimal(d, "cpu"), (int) number(d, "cpus"), number(d, "mem"), number(d, "maxmem"), number(d, "uptime"),
                flag(d, "template"));
    }

    /** Starts a VM ({@code POST …/status/start}). */
    public Upid start(String node, int vmid) {
        return task("POST", "starting VM " + vmid + " on " + node, vmPath(node, vmid, "status", "start"), Map.of());
    }

    /** Stops a VM at once, like pulling the plug ({@code POST …/status/stop}). */
    public Upid stop(String node, int vmid) {
        return task("POST", "stopping VM " + vmid + " on " + node, vmPath(node, vmid, "status", "stop"), Map.of());
    }

    /** Asks the guest to shut down ({@code POST …/status/shutdown}); PVE fails the task if it has not after {@code timeout}. */
    public Upid shutdown(String node, int vmid, Duration timeout) {
        return task("POST", "shutting down VM " + vmid + " on " + node, vmPath(node, vmid, "status", "shutdown"),
                Map.of("timeout", Math.max(1, timeout.toSeconds())));
    }

    /**
     * Brings a VM down and waits until it is: a graceful shutdown given {@code grace}, then, if the
     * guest is still running (or the shutdown task failed), a hard stop that overrules the shutdown,
     * awaited for {@code stopWait}. A stopped VM is left as it is.
     */
    public ShutdownOutcome shutdownOrStop(String node, int vmid, Duration grace, Duration stopWait) {
        if (!status(node, vmid).running()) {
            return ShutdownOutcome.ALREADY_STOPPED;
        }
        boolean overrule = false;
        try {
            await(shutdown(node, vmid, grace), grace.plus(Duration.ofSeconds(30)));
        } catch (ProxmoxException.TaskFailed e) {
            // the guest did not shut down in time, or refused to: stop it below
        } catch (ProxmoxException.TaskUnfinished e) {
            overrule = true; // the shutdown task still runs: the stop must end it
        }
        if (!status(node, vmid).running()) {
            return ShutdownOutcome.SHUT_DOWN;
        }
        Map<String, Object> params = overrule ? Map.of("overrule-shutdown", true) : Map.of();
        await(task("POST", "stopping VM " + vmid + " on " + node + " after its shutdown timed out",
                vmPath(node, vmid, "status", "stop"), params), stopWait);
        return ShutdownOutcome.STOPPED_AFTER_TIMEOUT;
    }

    /** Clones VM (or template) {@code vmid} ({@code POST /nodes/{node}/qemu/{vmid}/clone}). */
    public Upid clone(String node, int vmid, CloneRequest clone) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("newid", clone.newid());
        params.put("name", clone.name());
        params.put("full", clone.full());
        clone.target().ifPresent(t -> params.put("target", t));
        clone.storage().ifPresent(s -> params.put("storage", s));
        return task("POST", "cloning VM " + vmid + " on " + node + " to " + clone.newid(), vmPath(node, vmid, "clone"), params);
    }

    /** Destroys a VM and its disks ({@code DELETE /nodes/{node}/qemu/{vmid}}); PVE refuses a running one. */
    public Upid destroy(String node, int vmid) {
        return task("DELETE", "destroying VM " + vmid + " on " + node, vmPath(node, vmid), Map.of("purge", true));
    }

    // ---- guest agent ----

    /**
     * The guest agent writes {@code content} (text, at most 61440 characters) to {@code file} inside
     * VM {@code vmid} ({@code POST …/agent/file-write}; PVE base64-encodes it for QEMU). The agent
     * must be enabled and running, or PVE answers 500 saying so.
     */
    public void writeGuestFile(String node, int vmid, String file, String content) {
        if (content.length() > 61440) {
            throw new IllegalArgumentException("the guest agent writes at most 61440 characters at once, not " + content.length());
        }
        send("POST", "writing " + file + " inside VM " + vmid + " on " + node + " through its guest agent",
                vmPath(node, vmid, "agent", "file-write"), Map.of("file", file, "content", content));
    }

    /** What {@code file} inside VM {@code vmid} holds, read by its guest agent ({@code GET …/agent/file-read}). */
    public String readGuestFile(String node, int vmid, String file) {
        String what = "reading " + file + " inside VM " + vmid + " on " + node + " through its guest agent";
        JsonNode d = data("GET", what, vmPath(node, vmid, "agent", "file-read"), Map.of("file", file));
        if (!d.path("content").isTextual()) {
            throw unexpected(what, "no content in the answer");
        }
        return d.path("content").asText();
    }

    // ---- tasks ----

    /** {@code GET /nodes/{node}/tasks/{upid}/status}. */
    public Task task(Upid upid) {
        JsonNode d = data("GET", "reading the status of task " + upid, List.of("nodes", upid.node(), "tasks", upid.value(), "status"),
                Map.of());
        boolean running = !"stopped".equals(d.path("status").asText());
        String exit = d.path("exitstatus").isMissingNode() || d.path("exitstatus").isNull() ? null : d.path("exitstatus").asText();
        return new Task(upid, running, Optional.ofNullable(exit), number(d, "starttime"));
    }

    /**
     * Polls the task until it stops, then returns it when it succeeded ({@link Task#succeeded()});
     * otherwise throws {@link ProxmoxException.TaskFailed} with PVE's exit status and the last
     * {@value #LOG_TAIL} lines of its log, or {@link ProxmoxException.TaskUnfinished} when
     * {@code timeout} passes first.
     */
    public Task await(Upid upid, Duration timeout) {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        Duration interval = FIRST_POLL;
        while (true) {
            Task task = task(upid);
            if (!task.running()) {
                if (task.succeeded()) {
                    return task;
                }
                String exit = task.exitStatus().orElse("(no exit status)");
                List<String> tail = logTail(upid, LOG_TAIL);
                throw new ProxmoxException.TaskFailed("task " + upid.type() + " " + upid.id() + " on " + upid.node()
                        + " ended with exit status '" + exit + "' (Proxmox at " + endpoint + ")"
                        + (tail.isEmpty() ? "" : "; last log lines: " + String.join(" | ", tail)), upid, exit, tail);
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new ProxmoxException.TaskUnfinished("task " + upid + " on Proxmox at " + endpoint + " was still running after "
                        + timeout, upid, Duration.between(started, Instant.now()));
            }
            try {
                Thread.sleep(Math.min(interval.toMillis(), left.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProxmoxException.TaskUnfinished("stopped waiting for task " + upid + " on Proxmox at " + endpoint
                        + ": interrupted", upid, Duration.between(started, Instant.now()));
            }
            interval = interval.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : interval.multipliedBy(2);
        }
    }

    /** Every line of a task's log so far ({@code GET /nodes/{node}/tasks/{upid}/log}, read in pages). */
    public List<String> log(Upid upid) {
        String what = "reading the log of task " + upid;
        List<String> path = List.of("nodes", upid.node(), "tasks", upid.value(), "log");
        List<String> all = new ArrayList<>();
        int page = 500;
        while (true) {
            JsonNode d = data("GET", what, path, Map.of("start", all.size(), "limit", page));
            int before = all.size();
            for (JsonNode line : array(d, what)) {
                all.add(line.path("t").asText());
            }
            if (all.size() - before < page) {
                return List.copyOf(all);
            }
        }
    }

    /** The last {@code lines} lines of a task's log ({@code GET /nodes/{node}/tasks/{upid}/log}). */
    public List<String> logTail(Upid upid, int lines) {
        String what = "reading the log of task " + upid;
        List<String> path = List.of("nodes", upid.node(), "tasks", upid.value(), "log");
        int page = 500;
        JsonNode root = send("GET", what, path, Map.of("start", 0, "limit", page));
        long total = number(root, "total");
        if (total > page) {
            root = send("GET", what, path, Map.of("start", total - lines, "limit", lines));
        }
        List<String> all = new ArrayList<>();
        for (JsonNode line : array(root.path("data"), what)) {
            all.add(line.path("t").asText());
        }
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    // ---- storage and backups ----

    /** The storages {@code node} can use ({@code GET /nodes/{node}/storage}). */
    public List<Storage> storages(String node) {
        String what = "listing the storages of node " + node;
        JsonNode d = data("GET", what, List.of("nodes", node, "storage"), Map.of());
        List<Storage> list = new ArrayList<>();
        for (JsonNode s : array(d, what)) {
            list.add(storage(s, s.path("storage").asText()));
        }
        list.sort(java.util.Comparator.comparing(Storage::storage));
        return list;
    }

    /** {@code GET /nodes/{node}/storage/{storage}/status}: its type, content kinds and total/used/avail bytes. */
    public Storage storageStatus(String node, String storage) {
        JsonNode d = data("GET", "reading the status of storage " + storage + " on " + node,
                List.of("nodes", node, "storage", storage, "status"), Map.of());
        return storage(d, storage);
    }

    /**
     * The volumes in a storage ({@code GET /nodes/{node}/storage/{storage}/content}), optionally only
     * of one content kind ({@code backup}, {@code images}, {@code iso}, …) and one VM.
     */
    public List<StorageVolume> storageContent(String node, String storage, Optional<String> content, OptionalInt vmid) {
        String what = "listing the content of storage " + storage + " on " + node;
        Map<String, Object> params = new LinkedHashMap<>();
        content.ifPresent(c -> params.put("content", c));
        vmid.ifPresent(v -> params.put("vmid", v));
        JsonNode d = data("GET", what, List.of("nodes", node, "storage", storage, "content"), params);
        List<StorageVolume> list = new ArrayList<>();
        for (JsonNode v : array(d, what)) {
            long owner = number(v, "vmid");
            String notes = v.path("notes").isMissingNode() || v.path("notes").isNull() ? null : v.path("notes").asText();
            list.add(new StorageVolume(v.path("volid").asText(), v.path("content").asText(), v.path("format").asText(""),
                    number(v, "size"), owner > 0 ? OptionalInt.of((int) owner) : OptionalInt.empty(), number(v, "ctime"),
                    Optional.ofNullable(notes)));
        }
        return list;
    }

    /** The backups of VM {@code vmid} in {@code storage}, oldest first. */
    public List<StorageVolume> backups(String node, String storage, int vmid) {
        List<StorageVolume> list = new ArrayList<>(storageContent(node, storage, Optional.of("backup"), OptionalInt.of(vmid)));
        list.sort(java.util.Comparator.comparingLong(StorageVolume::ctime).thenComparing(StorageVolume::volid));
        return list;
    }

    /** Starts a vzdump of one VM to {@code storage} ({@code POST /nodes/{node}/vzdump}). */
    public Upid startBackup(String node, int vmid, String storage, BackupMode mode) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("vmid", vmid);
        params.put("storage", storage);
        params.put("mode", mode.wire());
        params.put("compress", "zstd");
        return task("POST", "backing up VM " + vmid + " on " + node + " to " + storage, List.of("nodes", node, "vzdump"), params);
    }

    /**
     * Backs up one VM and waits for it: the vzdump task, then the archive it wrote, found as the
     * backup of {@code vmid} in {@code storage} that was not there before (the newest, if several are new).
     */
    public Backup backup(String node, int vmid, String storage, BackupMode mode, Duration timeout) {
        Set<String> before = new HashSet<>();
        backups(node, storage, vmid).forEach(v -> before.add(v.volid()));
        Task task = await(startBackup(node, vmid, storage, mode), timeout);
        return backups(node, storage, vmid).stream()
                .filter(v -> !before.contains(v.volid()))
                .max(java.util.Comparator.comparingLong(StorageVolume::ctime).thenComparing(StorageVolume::volid))
                .map(v -> new Backup(task, v.volid(), v.size(), v.ctime()))
                .orElseThrow(() -> unexpected("backing up VM " + vmid + " to " + storage,
                        "the backup task ended OK but storage " + storage + " shows no new backup of VM " + vmid));
    }

    /**
     * Restores a vzdump archive ({@code volid} from {@link #backup}) as VM {@code vmid} onto
     * {@code storage} ({@code POST /nodes/{node}/qemu} with {@code archive}); PVE refuses an
     * existing vmid unless {@code force} overwrites it.
     */
    public Upid restore(String node, int vmid, String archive, String storage, boolean force) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("vmid", vmid);
        params.put("archive", archive);
        params.put("storage", storage);
        if (force) {
            params.put("force", true);
        }
        return task("POST", "restoring " + archive + " as VM " + vmid + " on " + node, List.of("nodes", node, "qemu"), params);
    }

    /** Deletes a volume, such as a backup archive ({@code DELETE /nodes/{node}/storage/{storage}/content/{volume}}). */
    public Upid deleteVolume(String node, String volid) {
        int colon = volid.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a volume id looks like storage:name, got '" + volid + "'");
        }
        return task("DELETE", "deleting volume " + volid + " on " + node,
                List.of("nodes", node, "storage", volid.substring(0, colon), "content", volid), Map.of());
    }

    // ---- remote migration ----

    /**
     * Moves VM {@code vmid} to another cluster ({@code POST /nodes/{node}/qemu/{vmid}/remote_migrate}).
     * PVE checks the connection to the target (reachable, fingerprint, token) before it answers, so
     * those refusals are a {@link ProxmoxException.ServerError} here; what fails on the way (the
     * target's storage, bridge or VM id, the transfer) fails the task. The target endpoint's token
     * secret goes into the request body only, never into a message.
     */
    public Upid remoteMigrate(String node, int vmid, RemoteMigration migration) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("target-endpoint", migration.target().wire());
        params.put("target-storage", migration.storages().wire());
        params.put("target-bridge", migration.bridges().wire());
        migration.targetVmid().ifPresent(v -> params.put("target-vmid", v));
        if (migration.delete()) {
            params.put("delete", true);
        }
        if (migration.online()) {
            params.put("online", true);
        }
        migration.bwlimitKiB().ifPresent(v -> params.put("bwlimit", v));
        String to = migration.target().host() + ":" + migration.target().port();
        return task("POST", "migrating VM " + vmid + " on " + node + " to " + to
                + migration.targetVmid().stream().mapToObj(v -> " as VM " + v).findFirst().orElse(""),
                vmPath(node, vmid, "remote_migrate"), params);
    }

    private Upid task(String method, String what, List<String> segments, Map<String, ?> params) {
        JsonNode d = data(method, what, segments, params);
        try {
            return Upid.parse(d.asText(null));
        } catch (IllegalArgumentException e) {
            throw unexpected(what, "no task id in the answer (" + e.getMessage() + ")");
        }
    }

    private static Storage storage(JsonNode s, String name) {
        String content = s.path("content").asText("");
        return new Storage(name, s.path("type").asText(""),
                content.isBlank() ? List.of() : Arrays.stream(content.split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList(),
                !s.has("active") || flag(s, "active"), !s.has("enabled") || flag(s, "enabled"), flag(s, "shared"), number(s, "total"),
                number(s, "used"), number(s, "avail"));
    }

    // ---- HTTP ----

    /** The request for {@code method} on {@code /api2/json/<segments>}: query string for GET/DELETE, form body otherwise. */
    Request request(String method, List<String> segments, Map<String, ?> params) {
        HttpUrl.Builder url = base.newBuilder();
        segments.forEach(url::addPathSegment);
        RequestBody body = null;
        if (method.equals("GET") || method.equals("DELETE")) {
            params.forEach((k, v) -> url.addQueryParameter(k, wire(v)));
        } else {
            FormBody.Builder form = new FormBody.Builder();
            params.forEach((k, v) -> form.add(k, wire(v)));
            body = form.build();
        }
        return new Request.Builder()
                .url(url.build())
                .header("Authorization", token.header())
                .header("Accept", "application/json")
                .method(method, body)
                .build();
    }

    /** PVE's wire form: booleans are 1/0. */
    private static String wire(Object value) {
        return value instanceof Boolean b ? (b ? "1" : "0") : String.valueOf(value);
    }

    JsonNode data(String method, String what, List<String> segments, Map<String, ?> params) {
        return send(method, what, segments, params).path("data");
    }

    /** Sends a request and returns PVE's whole JSON answer, or throws the {@link ProxmoxException} that fits. */
    JsonNode send(String method, String what, List<String> segments, Map<String, ?> params) {
        Request request = request(method, segments, params);
        try (Response response = http.newCall(request).execute()) {
            String text = response.body().string();
            int status = response.code();
            if (status >= 200 && status < 300) {
                try {
                    return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
                } catch (IOException e) {
                    throw unexpected(what, "the answer is not JSON (" + e.getMessage() + ")");
                }
            }
            throw refusal(what, status, response.message(), text);
        } catch (SSLException e) {
            String problem = tlsProblem(e);
            throw new ProxmoxException.Unreachable(what + ": cannot reach Proxmox at " + endpoint + ": TLS refused the connection: "
                    + problem, base.host(), problem, e);
        } catch (IOException e) {
            throw new ProxmoxException.Unreachable(what + ": cannot reach Proxmox at " + endpoint + ": " + describe(e), base.host(),
                    null, e);
        }
    }

    private ProxmoxException refusal(String what, int status, String reasonPhrase, String text) {
        JsonNode body;
        try {
            body = text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        String reason = reason(body, reasonPhrase, text);
        if (status == 401) {
            return new ProxmoxException.TokenRefused(what + ": Proxmox at " + endpoint + " refused the API token "
                    + token.tokenId() + " (HTTP 401)", token.tokenId());
        }
        if (status == 400) {
            Map<String, String> errors = new TreeMap<>();
            body.path("errors").fields().forEachRemaining(e -> errors.put(e.getKey(), e.getValue().asText().strip()));
            String detail = errors.isEmpty() ? reason
                    : String.join("; ", errors.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
            return new ProxmoxException.BadRequest(what + ": Proxmox at " + endpoint + " refused the parameters (HTTP 400): "
                    + detail, errors);
        }
        if (status >= 500) {
            return new ProxmoxException.ServerError(what + ": Proxmox at " + endpoint + " answered HTTP " + status + ": " + reason,
                    status, reason);
        }
        return new ProxmoxException.Refused(what + ": Proxmox at " + endpoint + " refused (HTTP " + status + "): " + reason,
                status, reason);
    }

    /** PVE's message: the body's {@code message}, else the status line's reason (where PVE puts it), else the body. */
    private static String reason(JsonNode body, String reasonPhrase, String text) {
        String message = body.path("message").asText("").strip();
        if (!message.isEmpty()) {
            return message;
        }
        if (reasonPhrase != null && !reasonPhrase.isBlank()) {
            return reasonPhrase.strip();
        }
        String t = text.strip();
        return t.isEmpty() ? "(no message)" : t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    private static String tlsProblem(SSLException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (message.contains("PKIX path building failed") || message.contains("unable to find valid certification path")) {
            return "its certificate is not issued by a trusted CA (" + message + ")";
        }
        if (e instanceof javax.net.ssl.SSLPeerUnverifiedException) {
            return "its certificate does not name this host (" + e.getMessage() + ")";
        }
        return message;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    ProxmoxException.UnexpectedAnswer unexpected(String what, String problem) {
        return new ProxmoxException.UnexpectedAnswer(what + ": Proxmox at " + endpoint + ": " + problem, null);
    }

    Iterable<JsonNode> array(JsonNode node, String what) {
        if (!node.isArray()) {
            throw unexpected(what, "expected a list, got " + (node.isMissingNode() ? "nothing" : node.getNodeType()));
        }
        return node;
    }

    static List<String> vmPath(String node, int vmid, String... rest) {
        List<String> path = new ArrayList<>(List.of("nodes", node, "qemu", Integer.toString(vmid)));
        path.addAll(Arrays.asList(rest));
        return path;
    }

    static Vm vm(JsonNode v, String node) {
        int cpus = (int) (v.has("cpus") ? number(v, "cpus") : number(v, "maxcpu"));
        return new Vm((int) number(v, "vmid"), v.path("name").asText(""), node, v.path("status").asText("unknown"),
                flag(v, "template"), cpus, number(v, "maxmem"), number(v, "maxdisk"), number(v, "uptime"),
                tags(v.path("tags").asText("")));
    }

    /** PVE's tags: separated by ';' (PVE 7.3 and later), ',' or spaces. */
    static List<String> tags(String raw) {
        return Arrays.stream(raw.split("[;,\\s]+")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    /** A number PVE may send as a JSON number or as text; 0 when absent. */
    static long number(JsonNode node, String field) {
        return number(node.path(field));
    }

    static long number(JsonNode v) {
        if (v.isNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    static double decimal(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNumber() || v.isTextual() ? v.asDouble(0) : 0;
    }

    /** PVE's booleans: 1/0, "1"/"0", true/false; absent or empty is false. */
    static boolean flag(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isBoolean() ? v.asBoolean() : number(v) != 0;
    }

    private static String origin(HttpUrl url) {
        boolean defaultPort = url.port() == HttpUrl.defaultPort(url.scheme());
        String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        return url.scheme() + "://" + host + (defaultPort ? "" : ":" + url.port());
    }

    @Override
    public String toString() {
        return "ProxmoxClient[" + endpoint + " as " + token.tokenId() + "]";
    }
}
