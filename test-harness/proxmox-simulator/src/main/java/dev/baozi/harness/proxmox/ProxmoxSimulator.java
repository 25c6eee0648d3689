package dev.baozi.harness.proxmox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Proxmox VE API simulator on {@code https://<host>:<port>/api2/json}: API-token authentication,
 * PVE's parameter checks and error bodies, worker tasks with UPIDs, and nodes, storages, VMs and
 * backups in memory (optionally kept in a JSON file). Start it from a test with {@link #start} or
 * from a shell with {@link #main}.
 */
public final class ProxmoxSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxmoxSimulator.class);
    private static final String API = "/api2/json";

    /**
     * How to start: where to listen ({@code port} 0 picks a free one), how long each task takes, the
     * node names, the API token ({@code user@realm!tokenid} and its secret), an optional state file,
     * an optional directory for the disks' content (default: beside the state file, else a temporary
     * directory removed on close) and an optional directory of a backup storage shared with other
     * simulators (storage {@code shared-backup}).
     */
    public record Options(String host, int port, Duration taskDuration, List<String> nodes, String tokenId,
            String tokenSecret, Path stateFile, Path dataDir, Path sharedBackupDir) {

        public Options {
            nodes = List.copyOf(nodes);
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("the simulator needs at least one node");
            }
            if (!tokenId.matches("[^@!\\s]+@[^@!\\s]+![A-Za-z][A-Za-z0-9.\\-_]*")) {
                throw new IllegalArgumentException("token id '" + tokenId + "' is not of the form user@realm!tokenid");
            }
        }

        /** Loopback, a free port, 300 ms tasks, nodes pve1 and pve2, token {@code root@pam!baozi} with a random secret. */
        public static Options defaults() {
            return new Options("127.0.0.1", 0, Duration.ofMillis(300), List.of("pve1", "pve2"), "root@pam!baozi",
                    UUID.randomUUID().toString(), null, null, null);
        }

        public Options withHost(String h) {
            return new Options(h, port, taskDuration, nodes, tokenId, tokenSecret, stateFile, dataDir, sharedBackupDir);
        }

        public Options withPort(int p) {
            return new Options(host, p, taskDuration, nodes, tokenId, tokenSecret, stateFile, dataDir, sharedBackupDir);
        }

        public Options withTaskDuration(Duration d) {
            return new Options(host, port, d, nodes, tokenId, tokenSecret, stateFile, dataDir, sharedBackupDir);
        }

        public Options withNodes(List<String> n) {
            return new Options(host, port, taskDuration, n, tokenId, tokenSecret, stateFile, dataDir, sharedBackupDir);
        }

        public Options withToken(String id, String secret) {
            return new Options(host, port, taskDuration, nodes, id, secret, stateFile, dataDir, sharedBackupDir);
        }

        public Options withStateFile(Path file) {
            return new Options(host, port, taskDuration, nodes, tokenId, tokenSecret, file, dataDir, sharedBackupDir);
        }

        /** Where the disks' content is kept (kept across restarts when given). */
        public Options withDataDir(Path dir) {
            return new Options(host, port, taskDuration, nodes, tokenId, tokenSecret, stateFile, dir, sharedBackupDir);
        }

        /**
         * A backup storage {@code shared-backup} ({@code nfs}, {@code shared: 1}, content {@code backup})
         * whose archives are files in {@code dir}: every simulator given the same directory lists and
         * restores the others' backups, as two clusters mounting one NFS export do.
         */
        public Options withSharedBackupDir(Path dir) {
            return new Options(host, port, taskDuration, nodes, tokenId, tokenSecret, stateFile, dataDir, dir);
        }
    }

    /** Where an injected task failure strikes: before the task does anything, or half-way through its work. */
    public enum FailAt {
        /** The task fails before its work; nothing changes. */
        START,
        /**
         * The task fails in the middle of its work (vzdump: half the archive written; restore: half
         * the disks restored; remote migrate: half the disk copied to the target), and undoes what it did
         * as PVE does: the partial archive removed, the half-restored VM destroyed, the target VM removed.
         * Tasks without a middle fail after their work, which is undone.
         */
        HALF_WAY
    }

    /** Running simulators by {@code host:port}, so a remote migration finds its target in this JVM. */
    private static final java.util.concurrent.ConcurrentMap<String, ProxmoxSimulator> RUNNING =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** One request the simulator answered: method, route template (or raw path when none matched), status. */
    public record Call(String method, String route, int status) {}

    private final Options options;
    private final Cluster cluster;
    private final Tasks tasks;
    private final SimulatorTls tls;
    private final List<ApiRoute> routes;
    private final Javalin app;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final StateFile stateFile;
    private final Disks disks;
    private final boolean temporaryDisks;

    private ProxmoxSimulator(Options options) {
        this.options = options;
        this.stateFile = options.stateFile() == null ? null : new StateFile(options.stateFile());
        this.cluster = stateFile != null && stateFile.exists() ? stateFile.load() : Cluster.standard(options.nodes());
        Path data = options.dataDir();
        if (data == null && options.stateFile() != null) {
            data = options.stateFile().resolveSibling(options.stateFile().getFileName() + ".disks");
        }
        this.temporaryDisks = data == null;
        if (data == null) {
            try {
                data = java.nio.file.Files.createTempDirectory("proxmox-simulator-disks");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("making a directory for the simulator's disks", e);
            }
        }
        this.disks = new Disks(data, options.sharedBackupDir());
        cluster.disks = disks;
        if (options.sharedBackupDir() != null) {
            cluster.addSharedBackupStorage();
        }
        this.tasks = new Tasks(cluster, options.taskDuration());
        if (stateFile != null) {
            tasks.onEnd(this::save);
        }
        this.tls = stateFile != null
                ? SimulatorTls.keptIn(options.stateFile().resolveSibling(options.stateFile().getFileName() + ".tls.p12"), options.host())
                : SimulatorTls.generate(options.host());
        QemuController qemu = new QemuController(cluster, tasks, new RemoteMigration(cluster, tasks, ProxmoxSimulator::running));
        NodeController nodes = new NodeController(cluster, tasks, tls.fingerprint());
        ClusterController clusterController = new ClusterController(cluster, qemu, nodes);
        this.routes = ProxmoxApi.routes(clusterController, nodes, qemu, new PoolController(cluster, qemu));
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.addConnector((server, http) -> {
                http.addCustomizer(new SecureRequestCustomizer(false));
                var ssl = new SslContextFactory.Server();
                ssl.setKeyStore(tls.keyStore());
                ssl.setKeyStorePassword(new String(SimulatorTls.KEY_PASSWORD));
                var connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
                connector.setHost(options.host());
                connector.setPort(options.port());
                return connector;
            });
            for (ApiRoute route : routes) {
                config.routes.addHttpHandler(HandlerType.findOrCreate(route.method()), API + route.path(), ctx -> answer(ctx, route));
            }
            for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
                config.routes.addHttpHandler(HandlerType.findOrCreate(method), API + "/*", this::unknown);
            }
        });
    }

    /** Starts a simulator; close it to stop. */
    public static ProxmoxSimulator start(Options options) {
        ProxmoxSimulator sim = new ProxmoxSimulator(options);
        sim.app.start();
        RUNNING.put(endpointKey(options.host(), sim.port()), sim);
        log.info("Proxmox simulator on {} (nodes {})", sim.baseUrl(), options.nodes());
        return sim;
    }

    private void answer(Context ctx, ApiRoute route) {
        int status = 200;
        try {
            String user = authenticate(ctx);
            ApiCall call = new ApiCall(checkedParams(ctx, route), user);
            Object data = route.handler().handle(call);
            send(ctx, 200, Map.of(), data);
            if (stateFile != null && !route.method().equals("GET")) {
                save();
            }
        } catch (PveException e) {
            status = e.status();
            sendError(ctx, e);
        } catch (RuntimeException e) {
            log.error("handling {} {}", ctx.method(), ctx.path(), e);
            status = 500;
            sendError(ctx, PveException.failure("simulator error: " + e));
        } finally {
            calls.add(new Call(route.method(), route.path(), status));
        }
    }

    private void unknown(Context ctx) {
        String path = ctx.path().substring(API.length());
        log.warn("Proxmox simulator: no route for {} {}", ctx.method(), path);
        calls.add(new Call(ctx.method().name(), path, 501));
        sendError(ctx, new PveException(501, "Method '" + ctx.method().name() + " " + path + "' not implemented"));
    }

    /** The token's user ({@code root@pam!baozi}); PVE's 401 for a missing or wrong token. */
    private String authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new PveException(401, "No ticket");
        }
        String value;
        if (header.startsWith("PVEAPIToken=") || header.startsWith("PVEAPIToken ")) {
            value = header.substring("PVEAPIToken=".length()).trim();
        } else {
            throw new PveException(401, "authentication failure");
        }
        int eq = value.indexOf('=');
        if (eq < 0 || !value.substring(0, eq).equals(options.tokenId())
                || !java.security.MessageDigest.isEqual(value.substring(eq + 1).getBytes(StandardCharsets.UTF_8),
                        options.tokenSecret().getBytes(StandardCharsets.UTF_8))) {
            throw new PveException(401, "authentication failure");
        }
        return options.tokenId();
    }

    /**
     * Path, query and body parameters in one map, each checked against the route: undeclared ones,
     * wrong types and missing required ones are one 400 with a message per parameter, as PVE answers.
     */
    private Map<String, String> checkedParams(Context ctx, ApiRoute route) {
        Map<String, String> raw = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> raw.put(k, v.get(v.size() - 1)));
        raw.putAll(bodyParams(ctx));
        ctx.pathParamMap().forEach((k, v) -> raw.put(k, URLDecoder.decode(v.replace("+", "%2B"), StandardCharsets.UTF_8)));
        Map<String, String> errors = new TreeMap<>();
        Map<String, String> checked = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            Optional<Param> param = Param.find(route.params(), e.getKey());
            if (param.isEmpty()) {
                errors.put(e.getKey(), "property is not defined in schema and the schema does not allow additional properties");
                continue;
            }
            var result = param.get().check(e.getValue());
            if (!result.getValue().isEmpty()) {
                errors.put(e.getKey(), result.getValue());
            } else {
                checked.put(e.getKey(), result.getKey());
            }
        }
        for (Param p : route.params()) {
            if (!p.optional() && !p.name().endsWith("[n]") && !raw.containsKey(p.name())) {
                errors.put(p.name(), "property is missing and it is not optional");
            }
        }
        if (!errors.isEmpty()) {
            throw PveException.parameters(errors);
        }
        return checked;
    }

    private Map<String, String> bodyParams(Context ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        String body = ctx.body();
        if (body.isBlank()) {
            return out;
        }
        String type = Optional.ofNullable(ctx.contentType()).orElse("");
        if (type.startsWith("application/json")) {
            try {
                JsonNode node = json.readTree(body);
                node.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
            } catch (JsonProcessingException e) {
                throw new PveException(400, "malformed JSON in request body: " + e.getOriginalMessage());
            }
            return out;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private void send(Context ctx, int status, Map<String, Object> extra, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.putAll(extra);
        try {
            ctx.status(status).contentType("application/json;charset=UTF-8").result(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a simulator answer as JSON", e);
        }
    }

    private void sendError(Context ctx, PveException e) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("message", e.getMessage() + "\n");
        if (!e.errors().isEmpty()) {
            extra.put("errors", e.errors());
        }
        send(ctx, e.status(), extra, null);
    }

    private void save() {
        synchronized (cluster) {
            stateFile.save(cluster);
        }
    }

    /** {@code https://host:port/}: the endpoint a client (bpg's {@code PROXMOX_VE_ENDPOINT}) is given. */
    public URI baseUrl() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("https://" + host + ":" + port() + "/");
    }

    /** {@code https://host:port/api2/json}. */
    public URI apiUrl() {
        return URI.create(baseUrl() + "api2/json");
    }

    public int port() {
        return app.port();
    }

    public String tokenId() {
        return options.tokenId();
    }

    public String tokenSecret() {
        return options.tokenSecret();
    }

    /** {@code user@realm!tokenid=secret}: the value of bpg's {@code PROXMOX_VE_API_TOKEN}. */
    public String apiToken() {
        return options.tokenId() + "=" + options.tokenSecret();
    }

    /** {@code PVEAPIToken=user@realm!tokenid=secret}: the Authorization header PVE expects. */
    public String authorizationHeader() {
        return "PVEAPIToken=" + apiToken();
    }

    public SimulatorTls tls() {
        return tls;
    }

    /**
     * The environment the bpg/proxmox provider needs to reach this simulator: endpoint, API token
     * and Go's {@code SSL_CERT_FILE} pointing at the simulator's CA (written to {@code caFile}).
     */
    public Map<String, String> providerEnvironment(Path caFile) {
        tls.writeCa(caFile);
        return Map.of(
                "PROXMOX_VE_ENDPOINT", baseUrl().toString(),
                "PROXMOX_VE_API_TOKEN", apiToken(),
                "SSL_CERT_FILE", caFile.toAbsolutePath().toString());
    }

    public Optional<VmView> vm(int vmid) {
        synchronized (cluster) {
            return Optional.ofNullable(cluster.vms.get(vmid)).map(Vm::view);
        }
    }

    /**
     * What the guest of VM {@code vmid} holds at {@code path}, read from the file of the VM's first
     * disk (where the guest agent writes, and what clone, backup, restore and migration copy).
     */
    public Optional<String> guestFile(int vmid, String path) {
        synchronized (cluster) {
            return Optional.ofNullable(cluster.vms.get(vmid))
                    .flatMap(cluster::firstDisk)
                    .map(disk -> cluster.diskFiles(disk).get(path));
        }
    }

    /** The simulator running on {@code host:port} in this JVM, if any (a remote migration's target). */
    static Optional<ProxmoxSimulator> running(String host, int port) {
        return Optional.ofNullable(RUNNING.get(endpointKey(host, port)));
    }

    private static String endpointKey(String host, int port) {
        return host.replaceAll("^\\[|]$", "").toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }

    Cluster cluster() {
        return cluster;
    }

    /** The node a remote migration to this cluster lands on: the first (PVE takes the endpoint's own node). */
    String endpointNode() {
        return options.nodes().get(0);
    }

    /**
     * {@code apitoken=PVEAPIToken=…,host=…,port=…,fingerprint=…}: the {@code target-endpoint} of a
     * remote migration to this simulator (it holds the token secret: keep it out of logs).
     */
    public String remoteEndpoint() {
        return "apitoken=" + authorizationHeader() + ",host=" + options.host() + ",port=" + port() + ",fingerprint="
                + tls.fingerprint();
    }

    /** Sets a node's memory (bytes) and CPU count, as {@code /nodes} and {@code /nodes/{node}/status} report them. */
    public void nodeCapacity(String node, long memoryBytes, int cpus) {
        synchronized (cluster) {
            cluster.requireNode(node);
            cluster.capacity.put(node, new Cluster.NodeCapacity(memoryBytes, cpus));
        }
    }

    /** Takes space of a storage on a node (all nodes for a shared one) so that {@code availBytes} are left free. */
    public void storageAvailable(String node, String storage, long availBytes) {
        synchronized (cluster) {
            Storage s = cluster.storage(node, storage);
            String key = cluster.reserveKey(node, storage);
            cluster.reserved.remove(key);
            long used = cluster.used(node, storage);
            cluster.reserved.put(key, Math.max(0, s.totalBytes() - used - availBytes));
        }
    }

    /** The Linux bridges a node has from now on (default {@code vmbr0}, {@code vmbr1}). */
    public void bridges(String node, List<String> names) {
        synchronized (cluster) {
            cluster.requireNode(node);
            cluster.bridges.put(node, new java.util.TreeSet<>(names));
        }
    }

    public List<VmView> vms() {
        synchronized (cluster) {
            return cluster.vms.values().stream().map(Vm::view).toList();
        }
    }

    /** The volumes on one node's storage. */
    public List<Volume> volumes(String node, String storage) {
        synchronized (cluster) {
            return cluster.volumes(node, v -> v.storage().equals(storage));
        }
    }

    /** How long tasks started from now on take. */
    public void taskDuration(Duration d) {
        tasks.duration(d);
    }

    /**
     * The next task of {@code type} ({@code qmstart}, {@code qmclone}, ...; any type when null) fails:
     * its exit status and last log line are {@code message}, and what it would have done is undone.
     */
    public void failNextTask(String type, String message) {
        tasks.failNext(type, message, FailAt.START);
    }

    /** The next task of {@code type} (any type when null) fails at {@code at} with {@code message}; see {@link FailAt}. */
    public void failNextTask(String type, String message, FailAt at) {
        tasks.failNext(type, message, at);
    }

    /** Whether every task started so far has ended. */
    public boolean tasksIdle() {
        return tasks.idle();
    }

    /** Every request answered so far, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Requests no route served (answered 501), to find out what a client calls that the simulator lacks. */
    public List<Call> unknownCalls() {
        return calls.stream().filter(c -> c.status() == 501).toList();
    }

    /** The route table, for checking it against PVE's API schema. */
    public List<ApiRoute> routes() {
        return routes;
    }

    @Override
    public void close() {
        RUNNING.remove(endpointKey(options.host(), port()), this);
        app.stop();
        tasks.close();
        if (stateFile != null) {
            save();
        }
        if (temporaryDisks) {
            synchronized (cluster) {
                disks.deleteAll();
            }
        }
    }

    /**
     * Runs a simulator until interrupted. Options: {@code --host}, {@code --port} (default 8006),
     * {@code --task-ms}, {@code --nodes pve1,pve2}, {@code --token-id}, {@code --token-secret},
     * {@code --state FILE} (kept across restarts), {@code --data DIR} (the disks' content, default
     * beside the state file), {@code --shared-backup DIR} (a backup storage {@code shared-backup}
     * other simulators may use too), {@code --ca FILE} (where to write the CA, default beside the
     * state file or {@code proxmox-simulator-ca.pem}).
     */
    public static void main(String[] args) throws InterruptedException {
        Options o = Options.defaults().withPort(8006);
        Path ca = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--host" -> o = o.withHost(value);
                case "--port" -> o = o.withPort(Integer.parseInt(value));
                case "--task-ms" -> o = o.withTaskDuration(Duration.ofMillis(Long.parseLong(value)));
                case "--nodes" -> o = o.withNodes(List.of(value.split(",")));
                case "--token-id" -> o = o.withToken(value, o.tokenSecret());
                case "--token-secret" -> o = o.withToken(o.tokenId(), value);
                case "--state" -> o = o.withStateFile(Path.of(value));
                case "--data" -> o = o.withDataDir(Path.of(value));
                case "--shared-backup" -> o = o.withSharedBackupDir(Path.of(value));
                case "--ca" -> ca = Path.of(value);
                default -> {
                    System.err.println("unknown option " + args[i] + "; see ProxmoxSimulator.main's documentation");
                    System.exit(2);
                }
            }
            i++;
        }
        if (ca == null) {
            ca = o.stateFile() != null ? o.stateFile().resolveSibling("proxmox-simulator-ca.pem") : Path.of("proxmox-simulator-ca.pem");
        }
        ProxmoxSimulator sim = start(o);
        sim.tls.writeCa(ca);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stop.countDown();
        }));
        System.out.println("Proxmox simulator listening on " + sim.baseUrl());
        System.out.println("  PROXMOX_VE_ENDPOINT=" + sim.baseUrl());
        System.out.println("  PROXMOX_VE_API_TOKEN=" + sim.tokenId() + "=<the secret given with --token-secret>");
        System.out.println("  SSL_CERT_FILE=" + ca.toAbsolutePath() + "   (CA of the server certificate)");
        System.out.println("  fingerprint " + sim.tls.fingerprint());
        if (o.stateFile() != null) {
            System.out.println("  state kept in " + o.stateFile().toAbsolutePath());
        }
        stop.await();
    }

    /** The nodes, storages, volumes and VMs, as a JSON file (for {@code make run}). */
    private static final class StateFile {
        private final Path file;
        private final ObjectMapper json = new ObjectMapper();

        record VmState(int vmid, String node, String status, Map<String, String> config) {}

        record PoolState(String poolid, String comment, List<Integer> vms, List<String> storages) {}

        record State(List<String> nodes, List<Storage> storages, List<Volume> volumes, List<VmState> vms,
                List<PoolState> pools) {}

        StateFile(Path file) {
            this.file = file;
        }

        boolean exists() {
            return java.nio.file.Files.isRegularFile(file);
        }

        Cluster load() {
            try {
                State s = json.readValue(file.toFile(), State.class);
                Cluster c = new Cluster(s.nodes(), s.storages());
                s.volumes().forEach(c::addVolume);
                for (VmState v : s.vms()) {
                    Vm vm = new Vm(v.vmid(), v.node(), v.config());
                    vm.status = v.status();
                    vm.startedAt = System.currentTimeMillis();
                    c.vms.put(v.vmid(), vm);
                }
                for (PoolState p : s.pools() == null ? List.<PoolState>of() : s.pools()) {
                    Cluster.Pool pool = new Cluster.Pool(p.comment());
                    pool.vms.addAll(p.vms());
                    pool.storages.addAll(p.storages());
                    c.pools.put(p.poolid(), pool);
                }
                return c;
            } catch (java.io.IOException e) {
                throw new IllegalStateException("reading the Proxmox simulator's state from " + file + ": " + e.getMessage(), e);
            }
        }

        void save(Cluster c) {
            List<Volume> volumes = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            c.volumes.values().forEach(byId -> byId.values().forEach(v -> {
                if (seen.add(v.node() + "|" + v.volid())) {
                    volumes.add(v);
                }
            }));
            List<VmState> vms = c.vms.values().stream().map(v -> new VmState(v.vmid, v.node, v.status, v.config)).toList();
            List<PoolState> pools = c.pools.entrySet().stream()
                    .map(e -> new PoolState(e.getKey(), e.getValue().comment, List.copyOf(e.getValue().vms),
                            List.copyOf(e.getValue().storages)))
                    .toList();
            State s = new State(c.nodes, List.copyOf(c.storages.values()), volumes, vms, pools);
            try {
                java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), s);
                java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("writing the Proxmox simulator's state to " + file, e);
            }
        }
    }
}
