package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.StateHttp;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A seeded random fuzzer against the real orchestrator and a real OpenBao dev server, on
 * loopback only: valid requests to {@code /state} and the JSON API (no runs, no providers, so
 * nothing leaves the machine), each mutated in its body (bytes, JSON values, numbers out of range,
 * duplicate keys, broken UTF-8, deep nesting), its credentials, path, %-encoding, headers or
 * method. No answer may be a 5xx, and after every request that could change something and was
 * not answered 2xx, every table but the audit log must be as it was, and so must the fuzz
 * workspace's state and lock (checked after requests to {@code /state} or that workspace's API). The seed and count can be set with {@code -Dbaozi.fuzz.seed} and
 * {@code -Dbaozi.fuzz.requests}; a failure names the seed and the request.
 */
@Tag("slow")
class InputFuzzTest {

    private static final long SEED = Long.getLong("baozi.fuzz.seed", 13L);
    private static final int REQUESTS = Integer.getInteger("baozi.fuzz.requests", 20_000);
    private static final Duration BUDGET = Duration.ofMinutes(9);
    private static final String WS = "fuzz";
    private static final String LINEAGE = "fuzz-lineage";
    private static final String LOCK_ID = "fuzz-lock-1";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static StateHttp client;
    private static String stateToken;
    private static String readOnlyToken;
    private static String viewerToken;

    private record Req(String method, String path, Map<String, String> headers, byte[] body, boolean raw) {
        boolean mutating() {
            return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
        }

        /** Whether the request goes anywhere near the fuzz workspace's state or lock (the other requests skip that check). */
        boolean touchesState() {
            return path.startsWith("/state") || path.contains("/workspaces/" + WS);
        }
    }

    private record Answer(int status, String body) {}

    @BeforeAll
    static void start() throws Exception {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_STATE_MAX_BODY_MIB", "1"));
        client = TestSupport.client(orchestrator);
        stateToken = client.token(WS, "read-write");
        readOnlyToken = client.token(WS, "read-only");
        var viewer = client.admin("POST", "/api/v1/users", "{\"name\":\"fuzz-viewer\",\"role\":\"viewer\"}");
        assertThat(viewer.statusCode()).isEqualTo(201);
        viewerToken = StateHttp.JSON.readTree(client.admin("POST", "/api/v1/users/fuzz-viewer/tokens", "{}").body())
                .path("token").asText();
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    @Test
    void twenty_thousand_mutated_requests_get_no_5xx_and_change_nothing_without_a_2xx() throws Exception {
        Random rnd = new Random(SEED);
        long end = System.nanoTime() + BUDGET.toNanos();
        List<String> failures = new ArrayList<>();
        String beforeTables = tables();
        String beforeState = state();
        int sent = 0;
        long serial = 1;
        long sending = 0;
        long checking = 0;
        var slowest = new java.util.TreeMap<Long, String>();
        var statuses = new java.util.TreeMap<Integer, Integer>();
        int accepted = 0;
        while (sent < REQUESTS && System.nanoTime() < end && failures.size() < 10) {
            Req seed = seed(rnd, serial++);
            Req req = mutate(seed, rnd);
            long t0 = System.nanoTime();
            Answer answer = send(req);
            long took = System.nanoTime() - t0;
            sending += took;
            slowest.put(took, req.method() + " " + abbreviate(req.path()) + " " + answer.status());
            if (slowest.size() > 5) {
                slowest.pollFirstEntry();
            }
            sent++;
            statuses.merge(answer.status(), 1, Integer::sum);
            if (req.mutating() && answer.status() / 100 == 2) {
                accepted++;
            }
            if (answer.status() >= 500 || answer.status() < 100) {
                failures.add(describe(req, answer));
            }
            if (req.mutating()) {
                long t1 = System.nanoTime();
                String afterTables = tables();
                String afterState = req.touchesState() ? state() : beforeState;
                checking += System.nanoTime() - t1;
                if (answer.status() / 100 != 2 && !(afterTables.equals(beforeTables) && afterState.equals(beforeState))) {
                    failures.add("changed without a 2xx: " + describe(req, answer) + "\n  before: " + beforeTables + beforeState
                            + "\n  after:  " + afterTables + afterState);
                }
                beforeTables = afterTables;
                beforeState = afterState;
            }
        }

        System.out.printf("fuzz: seed %d, %d requests, %d ms sending, %d ms checking; statuses %s; slowest: %s%n", SEED, sent,
                sending / 1_000_000, checking / 1_000_000, statuses, slowest.descendingMap());
        assertThat(failures).as("seed " + SEED + ", after " + sent + " requests").isEmpty();
        assertThat(sent).as("requests sent within " + BUDGET).isGreaterThanOrEqualTo(REQUESTS);
        assertThat(accepted).as("requests that changed something with a 2xx: the check above is not vacuous")
                .isGreaterThan(REQUESTS / 100);
    }

    /** Every table but the audit log, straight from the in-memory database: what no refused request may change. */
    private static String tables() {
        var dsl = orchestrator.database().dsl();
        StringBuilder sb = new StringBuilder();
        for (String table : List.of("workspace", "app_user", "state_token", "api_token", "run", "provider", "ui_session")) {
            sb.append(table).append('=').append(dsl.fetch("select * from " + table + " order by id").formatCSV().hashCode()).append(' ');
        }
        return sb.toString();
    }

    /** The fuzz workspace's state (its Content-MD5) and lock, through the API. */
    private static String state() throws Exception {
        var state = client.state("GET", WS, readOnlyToken, null, null);
        var lock = client.admin("GET", "/api/v1/workspaces/" + WS + "/lock", null);
        return "state=" + state.statusCode() + "/" + state.headers().firstValue("Content-MD5").orElse("-")
                + " lock=" + lock.statusCode() + "/" + lock.body().hashCode();
    }

    // --- seeds: valid requests -------------------------------------------------------------

    private static Req seed(Random rnd, long serial) {
        Map<String, String> basic = new LinkedHashMap<>(Map.of("Authorization", basic(stateToken)));
        Map<String, String> admin = new LinkedHashMap<>(Map.of("Authorization", "Bearer " + dev.baozi.harness.TestStack.ADMIN_TOKEN,
                "Content-Type", "application/json"));
        String ws = "/api/v1/workspaces/" + WS;
        return switch (rnd.nextInt(16)) {
            case 0, 1 -> new Req("GET", "/state/" + WS, basic, new byte[0], false);
            case 2, 3, 4 -> new Req("POST", "/state/" + WS + (rnd.nextBoolean() ? "?ID=" + LOCK_ID : ""), basic,
                    StateHttp.state(LINEAGE, serial, 1 + rnd.nextInt(3)), false);
            case 5 -> new Req("LOCK", "/state/" + WS, basic, StateHttp.lockInfo(LOCK_ID, "fuzz@host"), false);
            case 6 -> new Req("UNLOCK", "/state/" + WS, basic, StateHttp.lockInfo(LOCK_ID, "fuzz@host"), false);
            case 7 -> new Req("DELETE", "/state/" + WS, basic, new byte[0], false);
            case 8 -> new Req("POST", "/api/v1/workspaces", admin, json("{\"name\":\"fz-" + rnd.nextInt(50)
                    + "\",\"template\":\"demo-data\",\"inputs\":{\"names\":[\"a\",\"b\"],\"generation\":2,\"greeting\":\"hi\"}}"), false);
            case 9 -> new Req("PATCH", ws, admin, json("{\"inputs\":{\"generation\":" + rnd.nextInt(9)
                    + ",\"names\":[\"x\"],\"delay_seconds\":0}}"), false);
            case 10 -> new Req("POST", ws + "/state-tokens", admin, json("{\"name\":\"t" + rnd.nextInt(5)
                    + "\",\"access\":\"read-only\"}"), false);
            case 11 -> new Req("POST", ws + "/state/rollback", admin, json("{\"version\":" + (1 + rnd.nextInt(5)) + "}"), false);
            case 12 -> new Req("POST", "/api/v1/users", admin, json("{\"name\":\"fu" + rnd.nextInt(20)
                    + "\",\"role\":\"viewer\"}"), false);
            case 13 -> new Req("GET", ws + "/state/diff?from=1&to=2", admin, new byte[0], false);
            case 14 -> new Req("POST", ws + "/vars/generate", admin, json("{\"generators\":[\"db\"],\"regenerate\":true}"), false);
            default -> new Req("DELETE", ws + "/state-tokens/" + (1 + rnd.nextInt(8)), admin, new byte[0], false);
        };
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String basic(String token) {
        return "Basic " + Base64.getEncoder().encodeToString(("tofu:" + token).getBytes(StandardCharsets.UTF_8));
    }

    // --- mutations ---------------------------------------------------------------------------

    private static final String[] WORKSPACES = {"%zz", "%", "a%2", "..", "%2e%2e", "FUZZ", "x".repeat(70), "fuzz%00", "caf%C3%A9",
        "%C3%28", "fuzz%2Fx", "fuzz/extra", "%u0066uzz", "fuzz%20", "-fuzz", "fuzz;x", "fz-1", "%E2%80%AE"};
    private static final String[] QUERIES = {"?ID=", "?ID=%zz", "?ID=" + "i".repeat(3000), "?ID=" + LOCK_ID + "&ID=other",
        "?from=x&to=1", "?from=99999999999999999999&to=1", "?%", "?ID=%E0%A4%A"};
    private static final String[] NUMBERS = {"18446744073709551617", "-9223372036854775809", "1e400", "-1e400", "1e-400", "-1",
        "0", "1.5", "9223372036854775807", "NaN", "Infinity", "0x10", "01", "-0", "1e", "2E+308"};
    private static final String[] ACCEPT_ENCODINGS = {";", ",", "gzip;q=", "gzip;q=abc", "*;q=0,gzip", "identity;q=0", ";;;",
        "gzip, deflate, br", "x".repeat(3000)};
    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "LOCK", "UNLOCK", "OPTIONS", "HEAD", "PROPFIND"};

    private static Req mutate(Req seed, Random rnd) {
        Req req = seed;
        int rounds = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            req = switch (rnd.nextInt(12)) {
                case 0, 1 -> withBody(req, bytes(req.body(), rnd));
                case 2, 3, 4 -> withBody(req, jsonMutation(req.body(), rnd));
                case 5 -> withBody(req, textual(req.body(), rnd));
                case 6 -> withHeader(req, "Authorization", authorization(rnd));
                case 7 -> path(req, rnd);
                case 8 -> header(req, rnd);
                case 9 -> new Req(METHODS[rnd.nextInt(METHODS.length)], req.path(), req.headers(), req.body(), req.raw());
                case 10 -> new Req(req.method(), req.path() + QUERIES[rnd.nextInt(QUERIES.length)], req.headers(), req.body(), true);
                default -> withBody(req, new byte[0]);
            };
        }
        return req;
    }

    private static Req withBody(Req r, byte[] body) {
        return new Req(r.method(), r.path(), r.headers(), body, r.raw());
    }

    private static Req withHeader(Req r, String name, String value) {
        var headers = new LinkedHashMap<>(r.headers());
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
        return new Req(r.method(), r.path(), headers, r.body(), r.raw());
    }

    private static byte[] bytes(byte[] body, Random rnd) {
        if (body.length == 0) {
            byte[] noise = new byte[1 + rnd.nextInt(64)];
            rnd.nextBytes(noise);
            return noise;
        }
        byte[] out = body.clone();
        return switch (rnd.nextInt(4)) {
            case 0 -> {
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256);
                }
                yield out;
            }
            case 1 -> java.util.Arrays.copyOf(out, rnd.nextInt(out.length));
            case 2 -> {
                int at = rnd.nextInt(out.length);
                var b = new ByteArrayOutputStream();
                b.write(out, 0, at);
                for (int i = 0; i < 1 + rnd.nextInt(8); i++) {
                    String odd = "{}[]\",:\\\u0000 0e-";
                    b.write(odd.charAt(rnd.nextInt(odd.length())));
                }
                b.write(out, at, out.length - at);
                yield b.toByteArray();
            }
            default -> {
                int at = rnd.nextInt(out.length);
                var b = new ByteArrayOutputStream();
                b.write(out, 0, at);
                b.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 1 + rnd.nextInt(6));
                b.write(out, at, out.length - at);
                yield b.toByteArray();
            }
        };
    }

    /** A JSON value somewhere in the body replaced by something odd; the body as it is when it is not JSON. */
    private static byte[] jsonMutation(byte[] body, Random rnd) {
        JsonNode tree;
        try {
            tree = StateHttp.JSON.readTree(body);
        } catch (IOException e) {
            return body;
        }
        if (tree == null || !tree.isContainerNode() || tree.isEmpty()) {
            return body;
        }
        List<JsonNode> containers = new ArrayList<>();
        collect(tree, containers);
        JsonNode target = containers.get(rnd.nextInt(containers.size()));
        String odd = switch (rnd.nextInt(8)) {
            case 0, 1, 2 -> NUMBERS[rnd.nextInt(NUMBERS.length)];
            case 3 -> "\"" + "s".repeat(rnd.nextInt(2) == 0 ? 3000 : 20) + "\"";
            case 4 -> "[".repeat(1500) + "]".repeat(1500);
            case 5 -> "\"../x\"";
            case 6 -> "{\"a\":{\"b\":[null,true,\"\\u0000\"]}}";
            default -> "null";
        };
        String placeholder = "\"__fuzz_" + rnd.nextLong() + "__\"";
        JsonNode marker = JsonNodeFactory.instance.textNode(placeholder.substring(1, placeholder.length() - 1));
        if (target instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            o.set(names.get(rnd.nextInt(names.size())), marker);
        } else if (target instanceof ArrayNode a) {
            a.set(rnd.nextInt(a.size()), marker);
        }
        String text = tree.toString().replace(placeholder, odd);
        if (rnd.nextInt(4) == 0 && text.startsWith("{\"")) { // a duplicate of the first key
            int colon = text.indexOf("\":");
            int comma = text.indexOf(',');
            if (colon > 0 && comma > colon) {
                text = "{" + text.substring(1, comma) + "," + text.substring(1);
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode() && !node.isEmpty()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }

    private static byte[] textual(byte[] body, Random rnd) {
        String[] whole = {"", " ", "null", "[]", "\"text\"", "1e400", "{\"a\":1,\"a\":2}", "{\"version\":18446744073709551617}",
            "{}", "{\"ID\":\"\"}", "{\"meta\":{},\"encrypted_data\":\"x\",\"encryption_version\":\"v0\"}", "\uFEFF{}",
            "{\"serial\":1,\"lineage\":\"" + LINEAGE + "\",\"serial\":99}"};
        return rnd.nextBoolean() ? whole[rnd.nextInt(whole.length)].getBytes(StandardCharsets.UTF_8)
                : (new String(body, StandardCharsets.UTF_8) + whole[rnd.nextInt(whole.length)]).getBytes(StandardCharsets.UTF_8);
    }

    private static String authorization(Random rnd) {
        return switch (rnd.nextInt(11)) {
            case 0 -> null;
            case 1 -> "Basic !!!not-base64!!!";
            case 2 -> "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8));
            case 3 -> "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xFF, ':', (byte) 0xC3});
            case 4 -> "Basic";
            case 5 -> "Bearer " + dev.baozi.harness.TestStack.ADMIN_TOKEN;
            case 6 -> "Bearer " + viewerToken;
            case 7 -> basic(readOnlyToken);
            case 8 -> basic(stateToken);
            case 9 -> "Bearer " + "b".repeat(5000);
            default -> "Digest username=\"x\"";
        };
    }

    private static Req path(Req r, Random rnd) {
        String ws = WORKSPACES[rnd.nextInt(WORKSPACES.length)];
        String path = r.path().replaceFirst("/" + WS + "(?=/|\\?|$)", "/" + ws);
        if (path.equals(r.path()) && path.startsWith("/api/v1/workspaces")) {
            path = "/api/v1/workspaces/" + ws;
        }
        return new Req(r.method(), path, r.headers(), r.body(), true);
    }

    private static Req header(Req r, Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> withHeader(r, "Content-MD5", rnd.nextBoolean() ? "not-an-md5" : "1B2M2Y8AsgTpgAmY7PhCfg==");
            case 1 -> withHeader(r, "Accept-Encoding", ACCEPT_ENCODINGS[rnd.nextInt(ACCEPT_ENCODINGS.length)]);
            case 2 -> withHeader(r, "Content-Type", rnd.nextBoolean() ? "text/plain; charset=latin1" : "application/json; charset=nope");
            case 3 -> withHeader(r, "X-Forwarded-Proto", "https");
            default -> withHeader(r, "Content-Encoding", "gzip");
        };
    }

    // --- sending -----------------------------------------------------------------------------

    private static Answer send(Req r) throws Exception {
        if (r.raw()) {
            return raw(r);
        }
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orchestrator.port() + r.path()))
                .timeout(Duration.ofSeconds(30))
                .method(r.method(), r.body().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        r.headers().forEach(builder::header);
        try {
            HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(-1, "no answer: " + e);
        }
    }

    /** Sends the request as bytes on its own connection, so paths no URI class accepts reach the server as they are. */
    private static Answer raw(Req r) throws IOException {
        try (var socket = new Socket("127.0.0.1", orchestrator.port())) {
            socket.setSoTimeout(30_000);
            var head = new StringBuilder(r.method()).append(' ').append(r.path()).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: ").append(r.body().length).append("\r\n");
            r.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            var out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(r.body());
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readAllBytes();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                return new Answer(-1, "no HTTP answer: " + abbreviate(text));
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(Math.min(text.length(), text.indexOf("\r\n\r\n") + 4)));
        }
    }

    private static String describe(Req r, Answer a) {
        return a.status() + " for " + r.method() + " " + abbreviate(r.path()) + " headers " + abbreviate(r.headers().keySet().toString())
                + " body " + abbreviate(new String(r.body(), StandardCharsets.UTF_8)) + " -> " + abbreviate(a.body());
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
