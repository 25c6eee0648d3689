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
    /** A command: its two words, the options that take a value, the switches, and its usage line. */
    private record Command(String words, List<String> values, List<String> switches, String usage) {
        boolean takes(String option) {
            return values.contains(option) || switches.contains(option);
        }
    }

    private static Command cmd(String words, String values, String switches, String usage) {
        return new Command(words, values.isEmpty() ? List.of() : List.of(values.split(" ")),
                switches.isEmpty() ? List.of() : List.of(switches.split(" ")), usage);
    }

    /** Every command, in the order the usage lists them. */
    private static final List<Command> COMMANDS = List.of(
            cmd("workspace create", "name template inputs provider", "",
                    "workspace create --name W --template T [--inputs JSON] [--provider P]"),
            cmd("workspace list", "", "", "workspace list"),
            cmd("workspace show", "name", "", "workspace show --name W"),
            cmd("workspace update", "name inputs", "",
                    "workspace update --name W --inputs JSON   change inputs (a merge patch: null resets one)"),
            cmd("workspace delete", "name", "",
                    "workspace delete --name W               only once its state has no resources (after a destroy run)"),
            cmd("run plan", "workspace replace", "destroy",
                    "run plan    --workspace W [--destroy | --replace ADDR ...]   queue a plan; prints the run id"),
            cmd("run show", "id", "plan",
                    "run show    --id N [--plan]               --plan prints the plan's changes, for review before approving"),
            cmd("run logs", "id", "follow",
                    "run logs    --id N [--follow]             --follow streams until the run stops or awaits approval"),
            cmd("run approve", "id comment", "confirm-destroy force-dns",
                    "run approve --id N [--comment C] [--confirm-destroy] [--force-dns]"),
            cmd("run discard", "id comment", "", "run discard --id N [--comment C]"),
            cmd("run cancel", "id", "force", "run cancel  --id N [--force]"),
            cmd("vars list", "workspace", "", "vars list     --workspace W                 generators, their status and files (secrets masked)"),
            cmd("vars check", "workspace", "", "vars check    --workspace W                 each generator's status; exit 1 unless all are ok"),
            cmd("vars generate", "workspace generator", "regenerate",
                    "vars generate --workspace W [--generator G ...] [--regenerate]"),
            cmd("vars get", "workspace generator file", "",
                    "vars get      --workspace W --generator G --file F      a public file; a secret one for admins"),
            cmd("vars set", "workspace generator file value value-file", "",
                    "vars set      --workspace W --generator G --file F (--value V | --value-file PATH)"),
            cmd("vars fix", "workspace", "", "vars fix      --workspace W"),
            cmd("vars rollback", "workspace generator", "", "vars rollback --workspace W --generator G"),
            cmd("user create", "name role password-file", "",
                    "user create --name U --role viewer|operator|approver|admin [--password-file F]"),
            cmd("user list", "", "", "user list"),
            cmd("user token", "name", "", "user token  --name U                      print a new API token for U (shown once)"),
            cmd("user revoke-tokens", "name", "", "user revoke-tokens --name U              revoke every API token of U"),
            cmd("user role", "name role", "", "user role   --name U --role R             change U's role"),
            cmd("user disable", "name", "", "user disable --name U                    end U's sessions, stop U's API tokens"),
            cmd("user enable", "name", "", "user enable --name U"),
            cmd("user delete", "name", "", "user delete --name U                     with U's API tokens and sessions"),
            cmd("user password", "name password-file", "",
                    "user password --name U --password-file F  set U's web UI password (F: a file, or - for stdin);"
                            + "\n                                          U must change it at the next login"),
            cmd("token create", "workspace name", "read-only",
                    "token create  --workspace W [--name N] [--read-only]   print a new state token (shown once)"),
            cmd("token list", "workspace", "", "token list    --workspace W"),
            cmd("token revoke", "workspace id", "", "token revoke  --workspace W --id N"),
            cmd("lock list", "", "", "lock list"),
            cmd("lock force-unlock", "workspace", "", "lock force-unlock --workspace W"),
            cmd("state versions", "workspace", "", "state versions --workspace W"),
            cmd("state rollback", "workspace version", "", "state rollback --workspace W --version N"));

    /** Options every command takes. */
    private static final List<String> COMMON = List.of("url", "admin-token-file");

    /** Options that may be given more than once. */
    private static final List<String> REPEATABLE = List.of("replace", "generator");

    private static final String COMMON_TEXT = """
            options for every command:
              --url URL               the orchestrator (BAOZI_URL, default http://127.0.0.1:8080)
              --help                  what a command or a group of commands takes
              credentials, the first one given: --admin-token-file F, BAOZI_ADMIN_TOKEN, BAOZI_TOKEN (your
                                      API token), BAOZI_ADMIN_TOKEN_FILE, var/orchestrator/admin-token

            exit codes: 0 done, 1 refused by the orchestrator, 2 bad usage, 3 orchestrator unreachable,
                        4 the run ended errored or canceled (run logs --follow)
            """;

    /** API fields a refusal may name, and the CLI flag that sets each. */
    private static final Map<String, String> FLAGS = Map.of(
            "confirm_destroy", "--confirm-destroy", "force_dns", "--force-dns");

    /** Separates the values of an option given more than once (only --replace and --generator may be). */
    private static final String REPEATED = "\u0000";

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final java.io.InputStream in;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BaoziCli(Map<String, String> env, PrintStream out, PrintStream err, java.io.InputStream in) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.in = in;
    }

    public static void main(String[] args) {
        System.exit(new BaoziCli(System.getenv(), System.out, System.err, System.in).dispatch(args));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return new BaoziCli(env, out, err, java.io.InputStream.nullInputStream()).dispatch(args);
    }

    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line: the words before the options, the options, and whether --help was asked. */
    record Parsed(List<String> words, Map<String, String> options, boolean help) {}

    /** The usage of every command whose words start with {@code words} (all of them for none). */
    static String usage(List<String> words) {
        String prefix = String.join(" ", words);
        var text = new StringBuilder("usage: baozi <command> [options]\n\n");
        for (Command c : COMMANDS) {
            if (prefix.isEmpty() || c.words().equals(prefix) || c.words().startsWith(prefix + " ")) {
                text.append("  ").append(c.usage()).append('\n');
            }
        }
        return text.append('\n').append(COMMON_TEXT).toString();
    }

    private int dispatch(String[] args) {
        try {
            Parsed parsed = parse(args);
            List<String> words = parsed.words();
            if (parsed.help()) {
                if (!words.isEmpty() && COMMANDS.stream().noneMatch(c -> (c.words() + " ").startsWith(String.join(" ", words) + " "))) {
                    throw new UsageException("unknown command: " + String.join(" ", words));
                }
                out.print(usage(words));
                return OK;
            }
            Command command = command(words);
            Map<String, String> options = parsed.options();
            for (String option : options.keySet()) {
                if (!command.takes(option) && !COMMON.contains(option)) {
                    throw new UsageException("--" + option + " is not an option of '" + command.words() + "' (see: baozi "
                            + command.words() + " --help)");
                }
            }
            if (options.containsKey("inputs")) {
                json(options, "inputs", null); // a bad command line is said before credentials are looked for
            }
            String url = options.getOrDefault("url", env.getOrDefault("BAOZI_URL", "http://127.0.0.1:8080"));
            String admin = adminToken(options);
            return switch (command.words()) {
                case "token create" -> tokenCreate(url, admin, options);
                case "workspace create" -> {
                    var body = JSON.createObjectNode().put("name", require(options, "name")).put("template", require(options, "template"));
                    body.set("inputs", json(options, "inputs", "{}"));
                    if (options.containsKey("provider")) {
                        body.put("provider", options.get("provider"));
                    }
                    yield print(call(url, admin, "POST", "/workspaces", body.toString()));
                }
                case "workspace list" -> print(call(url, admin, "GET", "/workspaces", null));
                case "workspace show" -> print(call(url, admin, "GET", "/workspaces/" + name(options), null));
                case "workspace update" -> {
                    require(options, "inputs");
                    yield print(call(url, admin, "PATCH", "/workspaces/" + name(options),
                            JSON.createObjectNode().set("inputs", json(options, "inputs", null)).toString()));
                }
                case "workspace delete" -> print(call(url, admin, "DELETE", "/workspaces/" + name(options), null));
                case "run plan" -> runPlan(url, admin, options);
                case "run show" -> runShow(url, admin, id(options), options.containsKey("plan"));
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
                case "user create" -> {
                    var body = JSON.createObjectNode().put("name", require(options, "name")).put("role", require(options, "role"));
                    if (options.containsKey("password-file")) {
                        body.put("password", password(options));
                    }
                    yield print(call(url, admin, "POST", "/users", body.toString()));
                }
                case "user list" -> print(call(url, admin, "GET", "/users", null));
                case "user token" -> userToken(url, admin, options);
                case "user revoke-tokens" -> print(call(url, admin, "DELETE", user(options) + "/tokens", null));
                case "user role" -> print(call(url, admin, "PATCH", user(options),
                        JSON.createObjectNode().put("role", require(options, "role")).toString()));
                case "user disable" -> print(call(url, admin, "PATCH", user(options),
                        JSON.createObjectNode().put("disabled", true).toString()));
                case "user enable" -> print(call(url, admin, "PATCH", user(options),
                        JSON.createObjectNode().put("disabled", false).toString()));
                case "user delete" -> print(call(url, admin, "DELETE", user(options), null));
                case "user password" -> {
                    String path = user(options) + "/password";
                    yield print(call(url, admin, "PUT", path, JSON.createObjectNode().put("password", password(options)).toString()));
                }
                case "token list" -> print(call(url, admin, "GET", ws(options) + "/state-tokens", null));
                case "token revoke" -> print(call(url, admin, "DELETE", ws(options) + "/state-tokens/" + number(options, "id"), null));
                case "lock list" -> print(call(url, admin, "GET", "/locks", null));
                case "lock force-unlock" -> print(call(url, admin, "DELETE", ws(options) + "/lock", null));
                case "state versions" -> print(call(url, admin, "GET", ws(options) + "/state/versions", null));
                case "state rollback" -> print(call(url, admin, "POST", ws(options) + "/state/rollback",
                        JSON.createObjectNode().put("version", Long.parseLong(number(options, "version"))).toString()));
                default -> throw new IllegalStateException("command " + command.words() + " is listed but not handled");
            };
        } catch (UsageException e) {
            err.println("baozi: " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("baozi: cannot reach the orchestrator: " + e.getMessage());
            return UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNAVAILABLE;
        }
    }

    /** The command {@code words} name; a usage error naming what is wrong otherwise. */
    private static Command command(List<String> words) throws UsageException {
        String given = String.join(" ", words);
        if (words.isEmpty()) {
            throw new UsageException("no command given (see: baozi --help)");
        }
        return COMMANDS.stream().filter(c -> c.words().equals(given)).findFirst().orElseThrow(() -> new UsageException(
                COMMANDS.stream().anyMatch(c -> c.words().startsWith(words.getFirst() + " "))
                        ? "unknown command: " + given + " (see: baozi " + words.getFirst() + " --help)"
                        : "unknown command: " + given + " (see: baozi --help)"));
    }

    /**
     * Splits the command line into words and options. An option is known to some command (which
     * command takes it is checked once the command is known), a value option has a value that is
     * not itself an option, and only --replace and --generator may be repeated.
     */
    static Parsed parse(String[] args) throws UsageException {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h") || (a.equals("help") && words.isEmpty() && i == 0)) {
                help = true;
            } else if (a.startsWith("-") && a.length() > 1) {
                String name = a.startsWith("--") ? a.substring(2) : a.substring(1);
                String value = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                String flag = "--" + name;
                boolean isSwitch = COMMANDS.stream().anyMatch(c -> c.switches().contains(flag.substring(2)));
                boolean takesValue = COMMON.contains(name) || COMMANDS.stream().anyMatch(c -> c.values().contains(flag.substring(2)));
                if (!a.startsWith("--") || (!isSwitch && !takesValue)) {
                    throw new UsageException("unknown option " + (a.startsWith("--") ? flag : a)
                            + " (see: baozi " + (words.isEmpty() ? "" : String.join(" ", words) + " ") + "--help)");
                }
                if (isSwitch) {
                    if (value != null) {
                        throw new UsageException(flag + " is a switch; it takes no value");
                    }
                    options.put(name, "true");
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.length || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
                        throw new UsageException(flag + " needs a value");
                    }
                    value = args[++i];
                }
                String key = name;
                if (options.containsKey(key) && !REPEATABLE.contains(key)) {
                    throw new UsageException(flag + " is given twice; give it once");
                }
                options.merge(key, value, (old, more) -> old + REPEATED + more);
            } else {
                words.add(a);
            }
        }
        return new Parsed(List.copyOf(words), options, help);
    }

    /**
     * The token to call with, the first one given of: --admin-token-file, BAOZI_ADMIN_TOKEN (both
     * explicit asks for the admin), BAOZI_TOKEN (your API token), BAOZI_ADMIN_TOKEN_FILE, and
     * var/orchestrator/admin-token.
     */
    private String adminToken(Map<String, String> options) throws UsageException, IOException {
        if (!options.containsKey("admin-token-file")) {
            for (String variable : List.of("BAOZI_ADMIN_TOKEN", "BAOZI_TOKEN")) {
                if (env.containsKey(variable) && !env.get(variable).isBlank()) {
                    return env.get(variable).strip();
                }
            }
        }
        Path file = Path.of(options.getOrDefault("admin-token-file",
                env.getOrDefault("BAOZI_ADMIN_TOKEN_FILE", "var/orchestrator/admin-token")));
        if (!Files.isReadable(file)) {
            throw new UsageException("no credentials: " + file + " is not readable (give --admin-token-file, or set BAOZI_TOKEN"
                    + " or BAOZI_ADMIN_TOKEN)");
        }
        return Files.readString(file).strip();
    }

    /** The JSON in option {@code name} (or {@code fallback} when it is not given); bad JSON says where. */
    private static JsonNode json(Map<String, String> options, String name, String fallback) throws UsageException {
        String text = options.getOrDefault(name, fallback);
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new UsageException("--" + name + " is not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }

    private static String name(Map<String, String> options) throws UsageException {
        return URLEncoder.encode(require(options, "name"), StandardCharsets.UTF_8);
    }

    private static String user(Map<String, String> options) throws UsageException {
        return "/users/" + name(options);
    }

    /** A password from --password-file (a file, or - for standard input), never from the command line. */
    private String password(Map<String, String> options) throws UsageException, IOException {
        String file = require(options, "password-file");
        String text = file.equals("-") ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : readable(file);
        String password = text.lines().findFirst().orElse("");
        if (password.isEmpty()) {
            throw new UsageException("--password-file " + file + " holds no password (its first line is the password)");
        }
        return password;
    }

    private static String readable(String file) throws UsageException, IOException {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new UsageException("--password-file " + file + " is not a readable file");
        }
        return Files.readString(path);
    }

    private static String number(Map<String, String> options, String name) throws UsageException {
        String v = require(options, name);
        if (!v.matches("\\d{1,18}")) {
            throw new UsageException("--" + name + " takes a number, got '" + v + "'");
        }
        return v;
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
        HttpResponse<String> before = call(url, token, "GET", "/runs/" + id, null);
        if (before.statusCode() == 200 && JSON.readTree(before.body()).hasNonNull("waiting")) {
            JsonNode run = JSON.readTree(before.body());
            err.println("run " + id + " is " + run.path("status").asText() + ": " + run.path("waiting").asText());
        }
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
        err.println("baozi: the orchestrator answered " + status + ": " + withFlags(message));
        return status >= 500 ? UNAVAILABLE : REFUSED;
    }

    /** A refusal's text with each API field it names followed by the CLI flag that sets it: "confirm_destroy: true (--confirm-destroy)". */
    static String withFlags(String message) {
        String text = message;
        for (var field : FLAGS.entrySet()) {
            text = text.replaceAll("\\b" + field.getKey() + "(: true)?\\b", "$0 (" + field.getValue() + ")");
        }
        return text;
    }

    /**
     * The run as JSON, and on stderr why it waits; with {@code plan}, instead, its plan's changes
     * as text (masked values stay masked) and how to approve it.
     */
    private int runShow(String url, String token, String id, boolean plan) throws IOException, InterruptedException {
        HttpResponse<String> response = call(url, token, "GET", "/runs/" + id, null);
        if (response.statusCode() != 200) {
            return print(response);
        }
        JsonNode run = JSON.readTree(response.body());
        if (!plan) {
            print(response);
            if (run.hasNonNull("waiting")) {
                err.println("run " + id + " is " + run.path("status").asText() + ": " + run.path("waiting").asText());
            }
            return OK;
        }
        HttpResponse<String> planned = call(url, token, "GET", "/runs/" + id + "/plan", null);
        if (planned.statusCode() != 200) {
            return print(planned);
        }
        out.println("run " + id + " of workspace " + run.path("workspace").asText() + " is " + run.path("status").asText()
                + (run.path("destroy").asBoolean() ? " (a destroy plan)" : ""));
        out.println();
        PlanText.lines(JSON.readTree(planned.body()), run.path("sidePlans")).forEach(out::println);
        if (run.path("status").asText().equals("planned")) {
            JsonNode summary = run.path("summary");
            boolean destructive = summary.path("destroys").asInt() + summary.path("replaces").asInt() > 0;
            err.println("approve with: baozi run approve --id " + id + (destructive ? " --confirm-destroy" : "")
                    + forceFlags(run) + "; or discard with: baozi run discard --id " + id);
        }
        return OK;
    }

    /** " --force-dns" for each side plan of {@code run} that needs force. */
    private static String forceFlags(JsonNode run) {
        var flags = new StringBuilder();
        run.path("sidePlans").forEach(s -> flags.append(s.hasNonNull("forceReason") ? " --force-" + s.path("kind").asText() : ""));
        return flags.toString();
    }

    private static String pretty(String body) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(body));
        } catch (IOException e) {
            return body;
        }
    }
}
