package dev.baozi.orchestrator.proxmox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * <p>It holds the calls production makes (the provider check and inventory, the vars guest-file
 * write). VM lifecycle, tasks, storage and backups are a test-side client beside the tests
 * ({@code ProxmoxVmClient} in this package's test code) until a production caller needs them.
 */
public final class ProxmoxClient {

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
