package dev.baozi.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Speaks to a running orchestrator like tofu's http backend does, and like an admin does. */
public final class StateHttp {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final String base;
    private final String adminToken;

    public StateHttp(int port, String adminToken) {
        this.base = "http://127.0.0.1:" + port;
        this.adminToken = adminToken;
    }

    public String stateUrl(String workspace) {
        return base + "/state/" + workspace;
    }

    /**
     * Creates a state token through the admin API and returns it; first the workspace (from the
     * demo-data template), when there is none of that name, since tokens are issued for existing
     * workspaces only.
     */
    public String token(String workspace, String access) throws Exception {
        workspace(workspace);
        var response = admin("POST", "/api/v1/workspaces/" + workspace + "/state-tokens",
                "{\"name\":\"test\",\"access\":\"" + access + "\"}");
        if (response.statusCode() != 201) {
            throw new IllegalStateException("creating a token: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("token").asText();
    }

    /** Creates workspace {@code name} from the demo-data template, unless it exists. */
    public void workspace(String name) throws Exception {
        if (admin("GET", "/api/v1/workspaces/" + name, null).statusCode() == 200) {
            return;
        }
        var created = admin("POST", "/api/v1/workspaces", "{\"name\":\"" + name + "\",\"template\":\"demo-data\"}");
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating workspace " + name + ": " + created.statusCode() + " " + created.body());
        }
    }

    public HttpResponse<String> admin(String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + adminToken)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> state(String method, String workspace, String token, byte[] body, String query) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(stateUrl(workspace) + (query == null ? "" : query)))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("tofu:" + token).getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> stateWithHeader(String method, String workspace, String token, byte[] body, String header,
            String value) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(stateUrl(workspace)))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("tofu:" + token).getBytes(StandardCharsets.UTF_8)))
                .header(header, value)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public static JsonNode json(HttpResponse<byte[]> response) throws Exception {
        return JSON.readTree(response.body());
    }

    public static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** A small valid state with {@code resources} terraform_data instances. */
    public static byte[] state(String lineage, long serial, int resources) {
        var root = JSON.createObjectNode()
                .put("version", 4)
                .put("terraform_version", "1.12.6")
                .put("serial", serial)
                .put("lineage", lineage);
        root.putObject("outputs");
        var list = root.putArray("resources");
        for (int i = 0; i < resources; i++) {
            var r = list.addObject().put("mode", "managed").put("type", "terraform_data").put("name", "r" + i)
                    .put("provider", "provider[\"terraform.io/builtin/terraform\"]");
            var attrs = r.putArray("instances").addObject().put("schema_version", 0).putObject("attributes");
            attrs.put("id", "id-" + i + "-" + serial).put("input", "value-" + i);
        }
        root.putArray("check_results");
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] lockInfo(String id, String who) {
        return ("{\"ID\":\"" + id + "\",\"Operation\":\"OperationTypeApply\",\"Info\":\"\",\"Who\":\"" + who
                + "\",\"Version\":\"1.12.6\",\"Created\":\"2026-11-22T05:00:00.123456789Z\",\"Path\":\"\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
