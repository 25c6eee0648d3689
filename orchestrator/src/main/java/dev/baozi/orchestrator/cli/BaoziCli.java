package dev.baozi.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code baozi <group> <command> [--option value]…}. Exit codes: 0 done, 1 refused by the
 * orchestrator (4xx), 2 bad usage, 3 orchestrator unreachable or failing (5xx).
 */
public final class BaoziCli {

    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    public static final int UNAVAILABLE = 3;
    public static final int RUN_FAILED = 4;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE_TEXT = """
            usage: baozi <command> [options]

              workspace create --name W --template T [--inputs JSON] [--provider P]
              workspace list
              workspace show --name W
              workspace update --name W --inputs JSON   change inputs (a merge patch: null resets one)
              run plan    --workspace W [--destroy | --replace ADDR ...]   queue a plan; prints the run id
              run show    --id N
              run logs    --id N [--follow]             --follow streams until the run stops or awaits approval
              run approve --id N [--comment C] [--confirm-destroy] [--force-dns]
              run discard --id N [--comment C]
              run cancel  --id N [--force]
              vars list     --workspace W                 generators, their status and files (secrets masked)
              vars check    --workspace W                 each generator's status; exit 1 unless all are ok
              vars generate --workspace W [--generator G ...] [--regenerate]
              vars get      --workspace W --generator G --file F      a public file; a secret one for admins
              vars set      --workspace W --generator G --file F (--value V | --value-file PATH)
              vars fix      --workspace W
              vars rollback --workspace W --generator G
              user create --name U --role viewer|operator|approver|admin
              user token  --name U                      print a new API token for U (shown once)
              token create  --workspace W [--name N] [--read-only]   print a new state token (shown once)
              token list    --workspace W
              token revoke  --workspace W --id N
              lock list
              lock force-unlock --workspace W
              state versions --workspace W
              state rollback --workspace W --version N

            options for every command:
              --url URL               the orchestrator (BAOZI_URL, default http://127.0.0.1:8080)
              credentials: BAOZI_TOKEN (your API token), else the admin token: BAOZI_ADMIN_TOKEN, or
                                      --admin-token-file F (BAOZI_ADMIN_TOKEN_FILE, default
                                      var/orchestrator/admin-token)

            exit codes: 0 done, 1 refused by the orchestrator, 2 bad usage, 3 orchestrator unreachable,
                        4 the run ended errored or canceled (run logs --follow)
            """;

    /** Separates the values of an option given more than once (only --replace and --generator may be). */
    private static final String REPEATED = "\u0000";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BaoziCli(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return new BaoziCli(env, out, err).dispatch(args);
    }

    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private int dispatch(String[] args) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        try {
            parse(args, words, options);
            if (words.size() != 2) {
                throw new UsageException(words.isEmpty() ? "no command given" : "unknown command: " + String.join(" ", words));
            }
            String url = options.getOrDefault("url", env.getOrDefault("BAOZI_URL", "http://127.0.0.1:8080"));
            String admin = adminToken(options);
            return switch (words.get(0) + " " + words.get(1)) {
                case "token create" -> tokenCreate(url, admin, options);
                case "workspace create" -> {
                    var body = JSON.createObjectNode().put("name", require(options, "name")).put("template", require(options, "template"));
                    body.set("inputs", JSON.readTree(options.getOrDefault("inputs", "{}")));
                    if (options.containsKey("provider")) {
                        body.put("provider", options.get("provider"));
                    }
                    yield print(call(url, admin, "POST", "/workspaces", body.toString()));
                }
                case "workspace list" -> print(call(url, admin, "GET", "/workspaces", null));
                case "workspace show" -> print(call(url, admin, "GET", "/workspaces/" + require(options, "name"), null));
                case "workspace update" -> print(call(url, admin, "PATCH", "/workspaces/" + require(options, "name"),
                        JSON.createObjectNode().set("inputs", JSON.readTree(require(options, "inputs"))).toString()));
                case "run plan" -> runPlan(url, admin, options);
                case "run show" -> print(call(url, admin, "GET", "/runs/" + id(options), null));
                case "run logs" -> options.containsKey("follow") ? follow(url, admin, id(options)) : logs(url, admin, id(options));
                case "run approve" -> print(call(url, admin, "POST", "/runs/" + id(options) + "/approve", JSON.createObjectNode()
                        .put("comment", options.getOrDefault("comment", ""))
                        .put("confirm_destroy", options.containsKey("confirm-destroy"))
                        .put("force_dns", options.containsKey("force-dns")).toString()));
                case "run discard" -> print(call(url, admin, "POST", "/runs/" + id(options) + "/discard",
                        JSON.createObjectNode().put("comment", options.getOrDefault("comment", "")).toString()));
                case "run cancel" -> print(call(url, admin, "POST", "/runs/" + id(options) + "/cancel",
                        JSON.createObjectNode().put("force", options.containsKey("force")).toString()));
                case "vars list" -> print(call(url, admin, "GET", ws(options) + "/vars", null));
                case "vars check" -> varsCheck(url, admin, options);
                case "vars generate" -> {
                    var body = JSON.createObjectNode().put("regenerate", options.containsKey("regenerate"));
                    if (options.containsKey("generator")) {
                        var list = body.putArray("generators");
                        for (String g : options.get("generator").split(REPEATED)) {
                            list.add(g);
                        }
                    }
                    yield print(call(url, admin, "POST", ws(options) + "/vars/generate", body.toString()));
                }
                case "vars get" -> varsGet(url, admin, options);
                case "vars set" -> print(call(url, admin, "PUT", varsFile(options), JSON.createObjectNode()
                        .put("value", varsValue(options)).toString()));
                case "vars fix" -> print(call(url, admin, "POST", ws(options) + "/vars/fix", "{}"));
                case "vars rollback" -> print(call(url, admin, "POST", ws(options) + "/vars/"
                        + URLEncoder.encode(require(options, "generator"), StandardCharsets.UTF_8) + "/rollback", "{}"));
                case "user create" -> print(call(url, admin, "POST", "/users", JSON.createObjectNode()
                        .put("name", require(options, "name")).put("role", require(options, "role")).toString()));
                case "user token" -> userToken(url, admin, options);
                case "token list" -> print(call(url, admin, "GET", ws(options) + "/state-tokens", null));
                case "token revoke" -> print(call(url, admin, "DELETE", ws(options) + "/state-tokens/"
                        + require(options, "id"), null));
                case "lock list" -> print(call(url, admin, "GET", "/locks", null));
                case "lock force-unlock" -> print(call(url, admin, "DELETE", ws(options) + "/lock", null));
                case "state versions" -> print(call(url, admin, "GET", ws(options) + "/state/versions", null));
                case "state rollback" -> print(call(url, admin, "POST", ws(options) + "/state/rollback",
                        JSON.createObjectNode().put("version", Long.parseLong(require(options, "version"))).toString()));
                default -> throw new UsageException("unknown command: " + String.join(" ", words));
            };
        } catch (UsageException | NumberFormatException | com.fasterxml.jackson.core.JsonProcessingException e) {
            err.println("baozi: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        } catch (IOException e) {
            err.println("baozi: cannot reach the orchestrator: " + e.getMessage());
            return UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNAVAILABLE;
        }
    }

    private static void parse(String[] args, List<String> words, Map<String, String> options) throws UsageException {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (List.of("--read-only", "--destroy", "--follow", "--confirm-destroy", "--force", "--force-dns", "--regenerate").contains(a)) {
                options.put(a.substring(2), "true");
            } else if (a.startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new UsageException(a + " needs a value");
                }
                String name = a.substring(2);
                String value = args[++i];
                // --replace may be given once per address
                options.merge(name, value, (old, more) -> name.equals("replace") || name.equals("generator")
                        ? old + REPEATED + more : more);
            } else {
                words.add(a);
            }
        }
    }

    private String adminToken(Map<String, String> options) throws UsageException, IOException {
        if (env.containsKey("BAOZI_TOKEN") && !env.get("BAOZI_TOKEN").isBlank()) {
            return env.get("BAOZI_TOKEN").strip();
        }
        if (env.containsKey("BAOZI_ADMIN_TOKEN") && !options.containsKey("admin-token-file")) {
            return env.get("BAOZI_ADMIN_TOKEN").strip();
        }
        Path file = Path.of(options.getOrDefault("admin-token-file",
                env.getOrDefault("BAOZI_ADMIN_TOKEN_FILE", "var/orchestrator/admin-token")));
        if (!Files.isReadable(file)) {
            throw new UsageException("no admin token: " + file + " is not readable (set --admin-token-file or BAOZI_ADMIN_TOKEN)");
        }
        return Files.readString(file).strip();
    }

    private static String require(Map<String, String> options, String name) throws UsageException {
        String v = options.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    private static String ws(Map<String, String> options) throws UsageException {
        return "/workspaces/" + URLEncoder.encode(require(options, "workspace"), StandardCharsets.UTF_8);
    }

    private static String varsFile(Map<String, String> options) throws UsageException {
        String generator = require(options, "generator");
        if (generator.contains(REPEATED)) {
            throw new UsageException("--generator names one generator here");
        }
        return ws(options) + "/vars/" + URLEncoder.encode(generator, StandardCharsets.UTF_8) + "/"
                + URLEncoder.encode(require(options, "file"), StandardCharsets.UTF_8);
    }

    /** The value to set: --value, or the content of --value-file (so it need not be on a command line). */
    private static String varsValue(Map<String, String> options) throws UsageException, IOException {
        if (options.containsKey("value") == options.containsKey("value-file")) {
            throw new UsageException("give the value with exactly one of --value and --value-file");
        }
        return options.containsKey("value") ? options.get("value") : Files.readString(Path.of(options.get("value-file")));
    }

    /** Prints "generator: status" lines; exit 1 when any is not ok (missing, partial, outdated). */
    private int varsCheck(String url, String token, Map<String, String> options)
            throws UsageException, IOException, InterruptedException {
        HttpResponse<String> response = call(url, token, "GET", ws(options) + "/vars", null);
        if (response.statusCode() != 200) {
            return print(response);
        }
        boolean ok = true;
        for (var g : JSON.readTree(response.body()).path("generators")) {
            String status = g.path("status").asText();
            ok &= status.equals("ok");
            out.println(g.path("name").asText() + ": " + status);
        }
        return ok ? OK : REFUSED;
    }

    /** Prints just the file's value (so it can be redirected), or the refusal. */
    private int varsGet(String url, String token, Map<String, String> options)
            throws UsageException, IOException, InterruptedException {
        HttpResponse<String> response = call(url, token, "GET", varsFile(options), null);
        if (response.statusCode() != 200) {
            return print(response);
        }
        out.print(JSON.readTree(response.body()).path("value").asText());
        out.flush();
        return OK;
    }

    private static String id(Map<String, String> options) throws UsageException {
        String id = require(options, "id");
        if (!id.matches("\\d+")) {
            throw new UsageException("--id takes a run number, got '" + id + "'");
        }
        return id;
    }

    private int runPlan(String url, String token, Map<String, String> options)
            throws UsageException, IOException, InterruptedException {
        var request = JSON.createObjectNode().put("destroy", options.containsKey("destroy"));
        if (options.containsKey("replace")) {
            var replace = request.putArray("replace");
            for (String address : options.get("replace").split(REPEATED)) {
                replace.add(address);
            }
        }
        String body = request.toString();
        HttpResponse<String> response = call(url, token, "POST", ws(options) + "/runs", body);
        if (response.statusCode() != 201) {
            return print(response);
        }
        JsonNode run = JSON.readTree(response.body());
        out.println(run.path("id").asLong());
        err.println("run " + run.path("id").asLong() + " queued; follow it with: baozi run logs --id " + run.path("id").asLong()
                + " --follow");
        return OK;
    }

    private int logs(String url, String token, String id) throws IOException, InterruptedException {
        HttpResponse<String> response = call(url, token, "GET", "/runs/" + id + "/logs", null);
        if (response.statusCode() != 200) {
            return print(response);
        }
        for (JsonNode line : JSON.readTree(response.body()).path("lines")) {
            out.println("[" + line.path("step").asText() + "] " + line.path("line").asText());
        }
        return OK;
    }

    /** Streams the run's log; the exit code says how the run stands when the stream ends. */
    private int follow(String url, String token, String id) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url + "/api/v1/runs/" + id + "/logs/stream"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .build();
        HttpResponse<java.util.stream.Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            err.println("baozi: the orchestrator answered " + response.statusCode() + " for run " + id);
            return response.statusCode() >= 500 ? UNAVAILABLE : REFUSED;
        }
        String event = "";
        String status = "";
        try (var lines = response.body()) {
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    JsonNode data = JSON.readTree(line.substring(5));
                    if (event.equals("end")) {
                        status = data.path("status").asText();
                        break;
                    }
                    out.println("[" + data.path("step").asText() + "] " + data.path("line").asText());
                }
            }
        }
        err.println("run " + id + " is " + status);
        return status.equals("errored") || status.equals("canceled") ? RUN_FAILED : OK;
    }

    private int userToken(String url, String token, Map<String, String> options)
            throws UsageException, IOException, InterruptedException {
        HttpResponse<String> response = call(url, token, "POST", "/users/" + require(options, "name") + "/tokens",
                JSON.createObjectNode().put("name", "cli").toString());
        if (response.statusCode() != 201) {
            return print(response);
        }
        out.println(JSON.readTree(response.body()).path("token").asText());
        err.println("API token for " + require(options, "name") + "; it is shown this once, Baozi keeps only its hash");
        return OK;
    }

    private int tokenCreate(String url, String admin, Map<String, String> options)
            throws UsageException, IOException, InterruptedException {
        String body = JSON.createObjectNode()
                .put("name", options.getOrDefault("name", "cli"))
                .put("access", options.containsKey("read-only") ? "read-only" : "read-write")
                .toString();
        HttpResponse<String> response = call(url, admin, "POST", ws(options) + "/state-tokens", body);
        if (response.statusCode() != 201) {
            return print(response);
        }
        JsonNode created = JSON.readTree(response.body());
        out.println(created.path("token").asText());
        err.println("state token " + created.path("id").asLong() + " (" + created.path("access").asText() + ") for workspace "
                + created.path("workspace").asText() + "; it is shown this once, Baozi keeps only its hash");
        return OK;
    }

    private HttpResponse<String> call(String url, String admin, String method, String path, String body)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url + "/api/v1" + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int print(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (!response.body().isBlank()) {
                out.println(pretty(response.body()));
            }
            return OK;
        }
        String message = response.body();
        try {
            message = JSON.readTree(response.body()).path("error").asText(response.body());
        } catch (IOException ignored) {
            // not JSON: print it as it came
        }
        err.println("baozi: the orchestrator answered " + status + ": " + message);
        return status >= 500 ? UNAVAILABLE : REFUSED;
    }

    private static String pretty(String body) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(body));
        } catch (IOException e) {
            return body;
        }
    }
}
