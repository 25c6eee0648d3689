package dev.baozi.harness.proxmox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A plain PVE API client for tests: trusts only the simulator's CA, sends form bodies as bpg does. */
public final class PveHttp {

    /** An answer: HTTP status and the parsed JSON body. */
    public record Answer(int status, JsonNode body) {
        public JsonNode data() {
            return body.get("data");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI api;
    private final String authorization;

    public PveHttp(ProxmoxSimulator sim, String authorization) {
        this.api = sim.apiUrl();
        this.authorization = authorization;
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("simulator-ca", sim.tls().caCertificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            this.http = HttpClient.newBuilder().sslContext(ssl).build();
        } catch (Exception e) {
            throw new IllegalStateException("building a client that trusts the simulator's CA", e);
        }
    }

    public PveHttp(ProxmoxSimulator sim) {
        this(sim, sim.authorizationHeader());
    }

    public Answer get(String path, Map<String, String> query) {
        String q = query.isEmpty() ? "" : "?" + form(query);
        return send(HttpRequest.newBuilder(URI.create(api + path + q)).GET());
    }

    public Answer get(String path) {
        return get(path, Map.of());
    }

    public Answer post(String path, Map<String, String> form) {
        return send(HttpRequest.newBuilder(URI.create(api + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
    }

    public Answer put(String path, Map<String, String> form) {
        return send(HttpRequest.newBuilder(URI.create(api + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(form(form))));
    }

    public Answer delete(String path, Map<String, String> query) {
        String q = query.isEmpty() ? "" : "?" + form(query);
        return send(HttpRequest.newBuilder(URI.create(api + path + q)).DELETE());
    }

    /** Polls a task's status until it is stopped, then returns that status. */
    public JsonNode awaitTask(String node, String upid) {
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            JsonNode status = get("/nodes/" + node + "/tasks/" + encode(upid) + "/status").data();
            if (status.get("status").asText().equals("stopped")) {
                return status;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for task " + upid, e);
            }
        }
        throw new IllegalStateException("task " + upid + " did not stop within 20s");
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static Map<String, String> params(String... kv) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return out;
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private Answer send(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("calling the simulator: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the simulator", e);
        }
    }
}
