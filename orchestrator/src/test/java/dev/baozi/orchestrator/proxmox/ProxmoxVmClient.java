package dev.baozi.orchestrator.proxmox;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * The PVE calls only tests make today, over a {@link ProxmoxClient}'s transport (same token, TLS
 * trust and errors): free VM ids, VM config, status and lifecycle, tasks, storage, backup and
 * restore. Test code, not production: it moves back beside {@link ProxmoxClient} when a production
 * caller (the provider migration) needs one of these calls.
 */
public final class ProxmoxVmClient {

    /** How many lines of a failed task's log a {@link TaskFailed} carries. */
    public static final int LOG_TAIL = 20;

    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration MAX_POLL = Duration.ofSeconds(2);

    private final ProxmoxClient client;

    public ProxmoxVmClient(ProxmoxClient client) {
        this.client = client;
    }

    public ProxmoxClient client() {
        return client;
    }

    /** A task ended with an exit status other than OK; its exit status and the last lines of its log. */
    public static final class TaskFailed extends RuntimeException {
        private final Upid upid;
        private final String exitStatus;
        private final List<String> logTail;

        TaskFailed(String message, Upid upid, String exitStatus, List<String> logTail) {
            super(message);
            this.upid = upid;
            this.exitStatus = exitStatus;
            this.logTail = List.copyOf(logTail);
        }

        public Upid upid() {
            return upid;
        }

        /** PVE's exit status, e.g. {@code "unable to find configuration file for VM 900"}. */
        public String exitStatus() {
            return exitStatus;
        }

        public List<String> logTail() {
            return logTail;
        }
    }

    /** A task was still running when the wait ended (its deadline passed, or the waiting thread was interrupted). */
    public static final class TaskUnfinished extends RuntimeException {
        private final Upid upid;
        private final Duration waited;

        TaskUnfinished(String message, Upid upid, Duration waited) {
            super(message);
            this.upid = upid;
            this.waited = waited;
        }

        public Upid upid() {
            return upid;
        }

        public Duration waited() {
            return waited;
        }
    }

    /** {@code GET /cluster/nextid}: a free VM id. */
    public int nextId() {
        JsonNode d = client.data("GET", "asking for a free VM id", List.of("cluster", "nextid"), Map.of());
        long id = ProxmoxClient.number(d);
        if (id <= 0) {
            throw client.unexpected("asking for a free VM id", "no id in " + d);
        }
        return (int) id;
    }

    /** Every QEMU VM in the cluster (as {@link ProxmoxClient#vms()}). */
    public List<Vm> vms() {
        return client.vms();
    }

    /** The QEMU VMs on {@code node} ({@code GET /nodes/{node}/qemu}), by vmid. */
    public List<Vm> vms(String node) {
        String what = "listing the VMs on node " + node;
        JsonNode d = client.data("GET", what, List.of("nodes", node, "qemu"), Map.of());
        List<Vm> vms = new ArrayList<>();
        for (JsonNode v : client.array(d, what)) {
            vms.add(ProxmoxClient.vm(v, node));
        }
        vms.sort(java.util.Comparator.comparingInt(Vm::vmid));
        return vms;
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/config}. */
    public VmConfig config(String node, int vmid) {
        JsonNode d = client.data("GET", "reading the config of VM " + vmid + " on " + node, ProxmoxClient.vmPath(node, vmid, "config"),
                Map.of());
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
        return task("POST", "changing the config of VM " + vmid + " on " + node, ProxmoxClient.vmPath(node, vmid, "config"),
                new LinkedHashMap<>(values));
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/status/current}. */
    public VmStatus status(String node, int vmid) {
        JsonNode d = client.data("GET", "reading the status of VM " + vmid + " on " + node,
                ProxmoxClient.vmPath(node, vmid, "status", "current"), Map.of());
        return new VmStatus(vmid, d.path("name").asText(""), d.path("status").asText(), d.path("qmpstatus").asText(""),
                ProxmoxClient.decimal(d, "cpu"), (int) ProxmoxClient.number(d, "cpus"), ProxmoxClient.number(d, "mem"),
                ProxmoxClient.number(d, "maxmem"), ProxmoxClient.number(d, "uptime"), ProxmoxClient.flag(d, "template"));
    }

    /** Starts a VM ({@code POST …/status/start}). */
    public Upid start(String node, int vmid) {
        return task("POST", "starting VM " + vmid + " on " + node, ProxmoxClient.vmPath(node, vmid, "status", "start"), Map.of());
    }

    /** Stops a VM at once, like pulling the plug ({@code POST …/status/stop}). */
    public Upid stop(String node, int vmid) {
        return task("POST", "stopping VM " + vmid + " on " + node, ProxmoxClient.vmPath(node, vmid, "status", "stop"), Map.of());
    }

    /** Asks the guest to shut down ({@code POST …/status/shutdown}). */
    public Upid shutdown(String node, int vmid) {
        return task("POST", "shutting down VM " + vmid + " on " + node, ProxmoxClient.vmPath(node, vmid, "status", "shutdown"),
                Map.of());
    }

    /** Clones VM (or template) {@code vmid} ({@code POST /nodes/{node}/qemu/{vmid}/clone}). */
    public Upid clone(String node, int vmid, CloneRequest clone) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("newid", clone.newid());
        params.put("name", clone.name());
        params.put("full", clone.full());
        clone.target().ifPresent(t -> params.put("target", t));
        clone.storage().ifPresent(s -> params.put("storage", s));
        return task("POST", "cloning VM " + vmid + " on " + node + " to " + clone.newid(), ProxmoxClient.vmPath(node, vmid, "clone"),
                params);
    }

    /** Destroys a VM and its disks ({@code DELETE /nodes/{node}/qemu/{vmid}}); PVE refuses a running one. */
    public Upid destroy(String node, int vmid) {
        return task("DELETE", "destroying VM " + vmid + " on " + node, ProxmoxClient.vmPath(node, vmid), Map.of("purge", true));
    }

    /** {@code GET /nodes/{node}/tasks/{upid}/status}. */
    public Task task(Upid upid) {
        JsonNode d = client.data("GET", "reading the status of task " + upid,
                List.of("nodes", upid.node(), "tasks", upid.value(), "status"), Map.of());
        boolean running = !"stopped".equals(d.path("status").asText());
        String exit = d.path("exitstatus").isMissingNode() || d.path("exitstatus").isNull() ? null : d.path("exitstatus").asText();
        return new Task(upid, running, Optional.ofNullable(exit), ProxmoxClient.number(d, "starttime"));
    }

    /**
     * Polls the task until it stops, then returns it when it succeeded ({@link Task#succeeded()});
     * otherwise throws {@link TaskFailed} with PVE's exit status and the last {@value #LOG_TAIL}
     * lines of its log, or {@link TaskUnfinished} when {@code timeout} passes first.
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
                throw new TaskFailed("task " + upid.type() + " " + upid.id() + " on " + upid.node() + " ended with exit status '"
                        + exit + "'" + (tail.isEmpty() ? "" : "; last log lines: " + String.join(" | ", tail)), upid, exit, tail);
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new TaskUnfinished("task " + upid + " was still running after " + timeout, upid,
                        Duration.between(started, Instant.now()));
            }
            try {
                Thread.sleep(Math.min(interval.toMillis(), left.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskUnfinished("stopped waiting for task " + upid + ": interrupted", upid,
                        Duration.between(started, Instant.now()));
            }
            interval = interval.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : interval.multipliedBy(2);
        }
    }

    /** The last {@code lines} lines of a task's log ({@code GET /nodes/{node}/tasks/{upid}/log}). */
    public List<String> logTail(Upid upid, int lines) {
        String what = "reading the log of task " + upid;
        List<String> path = List.of("nodes", upid.node(), "tasks", upid.value(), "log");
        int page = 500;
        JsonNode root = client.send("GET", what, path, Map.of("start", 0, "limit", page));
        long total = ProxmoxClient.number(root, "total");
        if (total > page) {
            root = client.send("GET", what, path, Map.of("start", total - lines, "limit", lines));
        }
        List<String> all = new ArrayList<>();
        for (JsonNode line : client.array(root.path("data"), what)) {
            all.add(line.path("t").asText());
        }
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The storages {@code node} can use ({@code GET /nodes/{node}/storage}). */
    public List<Storage> storages(String node) {
        String what = "listing the storages of node " + node;
        JsonNode d = client.data("GET", what, List.of("nodes", node, "storage"), Map.of());
        List<Storage> list = new ArrayList<>();
        for (JsonNode s : client.array(d, what)) {
            list.add(storage(s, s.path("storage").asText()));
        }
        list.sort(java.util.Comparator.comparing(Storage::storage));
        return list;
    }

    /** {@code GET /nodes/{node}/storage/{storage}/status}. */
    public Storage storageStatus(String node, String storage) {
        JsonNode d = client.data("GET", "reading the status of storage " + storage + " on " + node,
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
        JsonNode d = client.data("GET", what, List.of("nodes", node, "storage", storage, "content"), params);
        List<StorageVolume> list = new ArrayList<>();
        for (JsonNode v : client.array(d, what)) {
            long owner = ProxmoxClient.number(v, "vmid");
            String notes = v.path("notes").isMissingNode() || v.path("notes").isNull() ? null : v.path("notes").asText();
            list.add(new StorageVolume(v.path("volid").asText(), v.path("content").asText(), v.path("format").asText(""),
                    ProxmoxClient.number(v, "size"), owner > 0 ? OptionalInt.of((int) owner) : OptionalInt.empty(),
                    ProxmoxClient.number(v, "ctime"), Optional.ofNullable(notes)));
        }
        return list;
    }

    /** Starts a vzdump of one VM to {@code storage} ({@code POST /nodes/{node}/vzdump}). */
    public Upid startBackup(String node, int vmid, String storage, BackupMode mode) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("vmid", vmid);
        params.put("storage", storage);
        params.put("mode", mode.wire());
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
                .map(v -> new Backup(task, v.volid()))
                .orElseThrow(() -> client.unexpected("backing up VM " + vmid + " to " + storage,
                        "the backup task ended OK but storage " + storage + " shows no new backup of VM " + vmid));
    }

    private List<StorageVolume> backups(String node, String storage, int vmid) {
        return storageContent(node, storage, Optional.of("backup"), OptionalInt.of(vmid));
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

    private Upid task(String method, String what, List<String> segments, Map<String, ?> params) {
        JsonNode d = client.data(method, what, segments, params);
        try {
            return Upid.parse(d.asText(null));
        } catch (IllegalArgumentException e) {
            throw client.unexpected(what, "no task id in the answer (" + e.getMessage() + ")");
        }
    }

    private static Storage storage(JsonNode s, String name) {
        String content = s.path("content").asText("");
        return new Storage(name, s.path("type").asText(""),
                content.isBlank() ? List.of() : Arrays.stream(content.split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList(),
                !s.has("active") || ProxmoxClient.flag(s, "active"), !s.has("enabled") || ProxmoxClient.flag(s, "enabled"),
                ProxmoxClient.flag(s, "shared"), ProxmoxClient.number(s, "total"), ProxmoxClient.number(s, "used"),
                ProxmoxClient.number(s, "avail"));
    }
}
