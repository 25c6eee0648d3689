package dev.baozi.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.Folders;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a person types is data, never code: inputs of every type carrying OpenTofu template
 * syntax go through plan and apply and arrive in state exactly as typed; sensitive inputs are
 * kept in OpenBao and nowhere else; and a tofu step runs in a sandbox that cannot see the
 * orchestrator's files, environment or other runs.
 */
@Tag("tofu")
class InputInjectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String READ_FILE = "${file(\"/etc/hostname\")}";
    private static final String DIRECTIVE = "%{ if true }x%{ endif }";
    private static final String ENV = "${env}";
    private static final String ESCAPED = "$${already escaped} %%{ too }";
    private static final String SENSITIVE = "sensitive-input-" + UUID.randomUUID() + "-${file(\"/etc/passwd\")}";

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static ApiClient admin;
    private static ApiClient operator;
    private static ApiClient approver;
    private static Path runsDir;
    private static Path secretFile;
    private static Path otherRun;

    /** tf-modules plus "echo": every kind of variable, kept in a resource's state, and a probe of what the step can see. */
    static Path templates() throws IOException {
        Path dir = Files.createTempDirectory("templates");
        Folders.delete(dir);
        Folders.copy(TestStack.repoRoot().resolve("tf-modules"), dir);
        Path echo = Files.createDirectories(dir.resolve("echo"));
        var variables = new LinkedHashMap<String, Object>();
        variables.put("s", Map.of("type", "string"));
        variables.put("l", Map.of("type", "list(string)"));
        variables.put("st", Map.of("type", "set(string)"));
        variables.put("m", Map.of("type", "map(string)"));
        variables.put("a", Map.of("type", "any", "default", Map.of()));
        variables.put("n", Map.of("type", "number", "default", 1));
        variables.put("b", Map.of("type", "bool", "default", false));
        variables.put("p", Map.of("type", "string", "sensitive", true));
        variables.put("paths", Map.of("type", "list(string)", "default", List.of(),
                "description", "files the template looks for (the sandbox must hide them)"));
        JSON.writeValue(echo.resolve("variables.tf.json").toFile(), Map.of("variable", variables));
        JSON.writeValue(echo.resolve("main.tf.json").toFile(), Map.of("resource", Map.of("terraform_data", Map.of(
                "echo", Map.of("input", Map.of("s", "${var.s}", "l", "${var.l}", "st", "${var.st}", "m", "${var.m}",
                        "a", "${var.a}", "n", "${var.n}", "b", "${var.b}", "p", "${var.p}")),
                "probe", Map.of("input", "${{for p in var.paths : p => fileexists(p)}}",
                        // what the step's environment holds, in the log (a trusted template may print it)
                        "provisioner", List.of(Map.of("local-exec", Map.of("command", "env | sort | sed 's/^/env: /'"))))))));
        JSON.writeValue(echo.resolve("outputs.tf.json").toFile(), Map.of("output", Map.of(
                "seen", Map.of("value", "${terraform_data.probe.output}"))));
        return dir;
    }

    @BeforeAll
    static void start() throws IOException {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        runsDir = Files.createTempDirectory("runs");
        // what a step must not see: a file beside the orchestrator's own, another run's directory
        secretFile = Files.writeString(Files.createTempDirectory("orchestrator-private").resolve("secret"), "not for tofu");
        otherRun = Files.createDirectories(runsDir.resolve("999999/work")).resolve("terraform.tfstate");
        Files.writeString(otherRun, "another run's file");
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_TOFU_TEMPLATES_DIR", templates().toString(),
                "BAOZI_RUNS_DIR", runsDir.toString(), "BAOZI_RUNS_SANDBOX", "bubblewrap"));
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("ingrid", "operator");
        approver = admin.user("ivo", "approver");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    private static Map<String, Object> hostileInputs() {
        var inputs = new LinkedHashMap<String, Object>();
        inputs.put("s", READ_FILE);
        inputs.put("l", List.of(READ_FILE, DIRECTIVE, ENV, ESCAPED));
        inputs.put("st", List.of(DIRECTIVE, ENV));
        inputs.put("m", Map.of("file", READ_FILE, "directive", DIRECTIVE, "env", ENV));
        inputs.put("a", Map.of("nested", List.of(READ_FILE, Map.of("deeper", DIRECTIVE))));
        inputs.put("p", SENSITIVE);
        return inputs;
    }

    private static long planAndApply(String workspace) {
        long id = operator.post("/workspaces/" + workspace + "/runs", Map.of()).body().path("id").asLong();
        operator.awaitRun(id, WAIT, "planned");
        assertThat(approver.post("/runs/" + id + "/approve", Map.of()).status()).isEqualTo(200);
        operator.awaitRun(id, WAIT, "applied");
        return id;
    }

    private static JsonNode latestState(String workspace) {
        JsonNode versions = admin.get("/workspaces/" + workspace + "/state/versions").body().path("versions");
        long latest = 0;
        for (JsonNode v : versions) {
            latest = Math.max(latest, v.path("version").asLong());
        }
        return admin.get("/workspaces/" + workspace + "/state/versions/" + latest).body();
    }

    private static JsonNode resource(JsonNode state, String name) {
        for (JsonNode r : state.path("resources")) {
            if (r.path("name").asText().equals(name)) {
                return r.path("instances").path(0).path("attributes").path("output").path("value"); // terraform_data keeps its dynamic output as {value, type}
            }
        }
        throw new AssertionError("no resource " + name + " in " + state);
    }

    @Test
    void inputs_of_every_type_with_template_syntax_arrive_in_state_exactly_as_typed() throws Exception {
        assertThat(operator.post("/workspaces", Map.of("name", "hostile", "template", "echo", "inputs", hostileInputs())).status())
                .isEqualTo(201);

        long id = planAndApply("hostile");

        JsonNode echoed = resource(latestState("hostile"), "echo");
        assertThat(echoed.path("s").asText()).isEqualTo(READ_FILE);
        assertThat(JSON.convertValue(echoed.path("l"), List.class)).containsExactly(READ_FILE, DIRECTIVE, ENV, ESCAPED);
        assertThat(JSON.convertValue(echoed.path("st"), List.class)).containsExactlyInAnyOrder(DIRECTIVE, ENV);
        assertThat(JSON.convertValue(echoed.path("m"), Map.class)).isEqualTo(Map.of("file", READ_FILE, "directive", DIRECTIVE, "env", ENV));
        assertThat(echoed.path("a").path("nested").path(0).asText()).isEqualTo(READ_FILE);
        assertThat(echoed.path("a").path("nested").path(1).path("deeper").asText()).isEqualTo(DIRECTIVE);
        assertThat(echoed.path("p").asText()).isEqualTo(SENSITIVE);
        JsonNode planned = operator.get("/runs/" + id + "/plan").body().path("resource_changes");
        for (JsonNode change : planned) {
            if (change.path("name").asText().equals("echo")) {
                assertThat(change.path("after").path("input").path("s").asText()).isEqualTo(READ_FILE);
                assertThat(change.path("after").path("input").path("p").asText()).isEqualTo("(sensitive)");
            }
        }
    }

    @Test
    void the_generated_files_carry_values_as_variables_and_hold_no_sensitive_value() {
        assertThat(operator.post("/workspaces", Map.of("name", "files", "template", "echo", "inputs", hostileInputs())).status())
                .isEqualTo(201);

        JsonNode files = operator.get("/workspaces/files/files").body().path("files");
        String main = files.path("main.tf.json").asText();
        String values = files.path("baozi.auto.tfvars.json").asText();

        assertThat(main).contains("\"s\" : \"${var.s}\"").contains("\"p\" : \"${var.p}\"").doesNotContain(READ_FILE).doesNotContain(DIRECTIVE);
        assertThat(values).contains(READ_FILE.replace("\"", "\\\"")).contains(DIRECTIVE).doesNotContain("sensitive-input-");
        assertThat(files.toString()).doesNotContain("sensitive-input-");
        assertThat(operator.get("/workspaces/files").body().path("inputs").path("p").asText()).isEqualTo("(sensitive)");
    }

    @Test
    void sensitive_inputs_live_in_openbao_not_in_the_database_the_api_or_the_run_directory() throws Exception {
        assertThat(operator.post("/workspaces", Map.of("name", "secretive", "template", "echo", "inputs", hostileInputs())).status())
                .isEqualTo(201);
        long id = operator.post("/workspaces/secretive/runs", Map.of()).body().path("id").asLong();
        operator.awaitRun(id, WAIT, "planned");

        // while the plan waits for approval, its directory is private and holds no sensitive value
        Path runDir = runsDir.resolve(Long.toString(id));
        List<String> wrongModes = new ArrayList<>();
        List<String> holding = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(runDir)) {
            for (Path p : walk.toList()) {
                if (Files.isSymbolicLink(p) || p.toString().contains("/.terraform")) {
                    continue; // what tofu makes itself (providers, its home): behind the run's 0700 folder all the same
                }
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                if (!mode.equals(Files.isDirectory(p) ? "rwx------" : "rw-------")) {
                    wrongModes.add(runsDir.relativize(p) + " " + mode);
                }
                if (Files.isRegularFile(p) && Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).contains("sensitive-input-")) {
                    holding.add(runsDir.relativize(p).toString());
                }
            }
        }
        assertThat(wrongModes).isEmpty();
        assertThat(holding).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runDir))).isEqualTo("rwx------");

        assertThat(approver.post("/runs/" + id + "/approve", Map.of()).status()).isEqualTo(200);
        operator.awaitRun(id, WAIT, "applied");
        assertThat(resource(latestState("secretive"), "echo").path("p").asText()).isEqualTo(SENSITIVE);

        List<String> places = new ArrayList<>();
        var dsl = orchestrator.database().dsl();
        for (var table : dev.baozi.orchestrator.db.jooq.DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            places.add("table " + table.getName() + ": " + dsl.selectFrom(table).fetch().formatCSV());
        }
        for (String path : List.of("/workspaces", "/workspaces/secretive", "/workspaces/secretive/files", "/runs/" + id,
                "/runs/" + id + "/plan", "/runs/" + id + "/logs", "/audit?limit=1000")) {
            places.add("GET " + path + ": " + admin.get(path).body());
        }
        for (String place : places) {
            assertThat(place).as(place.substring(0, Math.min(60, place.length()))).doesNotContain("sensitive-input-");
        }
        assertThat(Files.exists(runDir)).isFalse();
    }

    @Test
    void a_changed_sensitive_input_is_kept_in_openbao_and_the_next_plan_uses_it() {
        assertThat(operator.post("/workspaces", Map.of("name", "rotate", "template", "echo", "inputs", hostileInputs())).status())
                .isEqualTo(201);
        planAndApply("rotate");

        var patched = operator.call("PATCH", "/workspaces/rotate", Map.of("inputs", Map.of("p", "rotated-" + SENSITIVE)));
        long id = planAndApply("rotate");

        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.body().path("inputs").path("p").asText()).isEqualTo("(sensitive)");
        assertThat(operator.get("/runs/" + id).body().path("summary").path("changes").asInt()).isEqualTo(1);
        assertThat(resource(latestState("rotate"), "echo").path("p").asText()).isEqualTo("rotated-" + SENSITIVE);
        assertThat(orchestrator.database().dsl().fetch("select inputs_json from workspace where name = 'rotate'").formatCSV())
                .doesNotContain("sensitive-input-");
    }

    @Test
    void deleting_a_workspace_deletes_its_sensitive_inputs_from_openbao() throws Exception {
        assertThat(operator.post("/workspaces", Map.of("name", "short-lived", "template", "echo", "inputs", hostileInputs())).status())
                .isEqualTo(201);
        var kv = TestSupport.kv(TestSupport.login(bao));
        assertThat(kv.read("workspaces/short-lived/sensitive-inputs")).isPresent();

        var deleted = admin.call("DELETE", "/workspaces/short-lived", null);

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(kv.read("workspaces/short-lived/sensitive-inputs")).isEmpty();
    }

    @Test
    void a_tofu_step_cannot_see_the_orchestrators_files_its_environment_or_another_run() {
        String environ = "/proc/" + ProcessHandle.current().pid() + "/environ";
        var inputs = new LinkedHashMap<>(hostileInputs());
        inputs.put("paths", List.of(secretFile.toString(), otherRun.toString(), environ, "/etc/hostname"));
        assertThat(operator.post("/workspaces", Map.of("name", "boxed", "template", "echo", "inputs", inputs)).status()).isEqualTo(201);

        long id = planAndApply("boxed");

        JsonNode seen = resource(latestState("boxed"), "probe");
        assertThat(seen.path(secretFile.toString()).asBoolean(true)).as("the orchestrator's file").isFalse();
        assertThat(seen.path(otherRun.toString()).asBoolean(true)).as("another run's file").isFalse();
        assertThat(seen.path(environ).asBoolean(true)).as("the orchestrator's environment").isFalse();
        assertThat(seen.path("/etc/hostname").isBoolean()).isTrue();
        List<String> env = new ArrayList<>();
        operator.get("/runs/" + id + "/logs").body().path("lines").forEach(l -> {
            String line = l.path("line").asText();
            int at = line.indexOf("env: ");
            if (at >= 0) {
                env.add(line.substring(at + 5));
            }
        });
        assertThat(env).as("the step's environment").anyMatch(e -> e.startsWith("TF_CLI_CONFIG_FILE="))
                .noneMatch(e -> e.startsWith("JAVA_HOME=") || e.startsWith("MAVEN") || e.startsWith("BAOZI_") || e.startsWith("BAO_"));
        Deadline.await("run " + id + "'s directory to go", Duration.ofSeconds(10), () -> !Files.exists(runsDir.resolve(Long.toString(id))));
    }
}
