package dev.baozi.harness.vars;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.Folders;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A template's vars generators through the orchestrator, with a real OpenBao and tofu: rejected at
 * template load when wrong (naming the generator), generated before a plan (public values flowing
 * into the plan as an input, secret ones nowhere), and the verbs over the API with their roles.
 */
@Tag("tofu")
class VarsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(2);

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static ApiClient admin;
    private static ApiClient operator;
    private static ApiClient approver;
    private static ApiClient viewer;

    /** tf-modules plus two templates of this test's own: one with good generators, one with bad ones. */
    static Path templates() throws IOException {
        Path dir = Files.createTempDirectory("templates");
        Folders.delete(dir);
        Folders.copy(TestStack.repoRoot().resolve("tf-modules"), dir);
        Path app = Files.createDirectories(dir.resolve("app-vars"));
        JSON.writeValue(app.resolve("variables.tf.json").toFile(), Map.of("variable", Map.of(
                "vars_public", Map.of("type", "map(string)", "description", "supplied by Baozi: the public vars"))));
        JSON.writeValue(app.resolve("main.tf.json").toFile(), Map.of("resource", Map.of("terraform_data", Map.of(
                "public", Map.of("input", "${var.vars_public}")))));
        JSON.writeValue(app.resolve("baozi.json").toFile(), Map.of("supplied", List.of("vars_public")));
        Files.writeString(app.resolve("vars.json"), """
                {"generators": {
                  "db": {"kind": "password", "params": {"length": 40}},
                  "host-key": {"kind": "ed25519", "params": {"comment": "app host key"}},
                  "contact": {"kind": "prompt", "prompts": {"email": {"description": "who to mail", "type": "line",
                              "persist": true}}, "files": {"email": {"secret": false}}},
                  "env": {"kind": "script", "dependencies": ["db"], "files": {"env": {"secret": true}},
                          "params": {"script": "printf 'DB_PASSWORD=%s' \\"$(cat $in/db/password)\\" > $out/env"}}
                }}""");
        Path bad = Files.createDirectories(dir.resolve("bad-vars"));
        Files.writeString(bad.resolve("variables.tf.json"), "{\"variable\": {}}");
        Files.writeString(bad.resolve("main.tf.json"), "{}");
        Files.writeString(bad.resolve("vars.json"), """
                {"generators": {
                  "a": {"kind": "script", "dependencies": ["b"], "files": {"x": {}}, "params": {"script": "true"}},
                  "b": {"kind": "script", "dependencies": ["a"], "files": {"y": {}}, "params": {"script": "true"}},
                  "c": {"kind": "teleporter"},
                  "d": {"kind": "password", "params": {"length": 3}},
                  "e": {"kind": "password", "dependencies": ["ghost"]}
                }}""");
        return dir;
    }

    @BeforeAll
    static void start() throws IOException {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_TOFU_TEMPLATES_DIR", templates().toString()));
        admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
        operator = admin.user("oscar", "operator");
        approver = admin.user("ava", "approver");
        viewer = admin.user("val", "viewer");
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    private static JsonNode generator(JsonNode list, String name) {
        for (JsonNode g : list.path("generators")) {
            if (g.path("name").asText().equals(name)) {
                return g;
            }
        }
        throw new AssertionError("no generator " + name + " in " + list);
    }

    @Test
    void invalid_generator_definitions_are_rejected_at_template_load_naming_each_generator() {
        var created = operator.post("/workspaces", Map.of("name", "broken", "template", "bad-vars"));
        JsonNode listed = operator.get("/templates").body();

        assertThat(created.status()).isEqualTo(400);
        assertThat(created.error()).startsWith("template: template bad-vars, vars.json: ")
                .contains("generators a -> b -> a form a cycle")
                .contains("generator c: ").contains("teleporter")
                .contains("generator d: ").contains("length")
                .contains("generator e: depends on generator ghost, which is not defined");
        assertThat(listed.toString()).contains("\"name\":\"bad-vars\",\"problem\":\"template bad-vars, vars.json:");
        assertThat(operator.get("/workspaces/broken").status()).isEqualTo(404);
    }

    @Test
    void a_plan_waits_for_a_prompt_then_generates_the_rest_and_only_public_values_reach_the_plan() {
        assertThat(operator.post("/workspaces", Map.of("name", "shop", "template", "app-vars")).status()).isEqualTo(201);
        JsonNode before = viewer.get("/workspaces/shop/vars").body();

        long refused = operator.post("/workspaces/shop/runs", Map.of()).body().path("id").asLong();
        JsonNode errored = operator.awaitRun(refused, WAIT, "errored");
        var set = operator.call("PUT", "/workspaces/shop/vars/contact/email", Map.of("value", "ops@shop.example"));
        long id = operator.post("/workspaces/shop/runs", Map.of()).body().path("id").asLong();
        operator.awaitRun(id, WAIT, "planned");
        JsonNode after = viewer.get("/workspaces/shop/vars").body();
        String password = admin.get("/workspaces/shop/vars/db/password").body().path("value").asText();
        String env = admin.get("/workspaces/shop/vars/env/env").body().path("value").asText();
        String hostKey = admin.get("/workspaces/shop/vars/host-key/id_ed25519").body().path("value").asText();
        String publicKey = viewer.get("/workspaces/shop/vars/host-key/id_ed25519.pub").body().path("value").asText();
        JsonNode plan = operator.get("/runs/" + id + "/plan").body();
        String logs = operator.get("/runs/" + id + "/logs").body().toString();

        assertThat(generator(before, "db").path("status").asText()).isEqualTo("missing");
        assertThat(errored.path("error").asText()).startsWith("vars: generator contact was not generated: ")
                .contains("bin/baozi vars set --workspace shop");
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(after.path("generators")).allMatch(g -> g.path("status").asText().equals("ok"));
        assertThat(generator(after, "db").path("files").get(0).path("value").asText()).isEqualTo("********");
        assertThat(password).hasSize(40);
        assertThat(env).isEqualTo("DB_PASSWORD=" + password);
        assertThat(hostKey).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(publicKey).startsWith("ssh-ed25519 ").endsWith(" app host key");
        assertThat(plan.toString()).contains(publicKey.substring(12, 40)).contains("ops@shop.example")
                .doesNotContain(password).doesNotContain(hostKey.substring(40, 80));
        assertThat(operator.get("/runs/" + refused + "/logs").body().toString()).as("the refused plan made what it could")
                .contains("vars: generated db").doesNotContain(password);
        assertThat(logs).contains("plan ready").doesNotContain(password);
        assertThat(after.toString()).doesNotContain(password).doesNotContain(env);
        approver.post("/runs/" + id + "/discard", Map.of());
    }

    @Test
    void secrets_are_for_admins_the_verbs_for_operators_and_each_refusal_says_why() {
        assertThat(operator.post("/workspaces", Map.of("name", "verbs", "template", "app-vars")).status()).isEqualTo(201);
        operator.call("PUT", "/workspaces/verbs/vars/contact/email", Map.of("value", "a@b.example"));
        var generated = operator.post("/workspaces/verbs/vars/generate", Map.of());
        String first = admin.get("/workspaces/verbs/vars/db/password").body().path("value").asText();

        var viewerSecret = viewer.get("/workspaces/verbs/vars/db/password");
        var operatorSecret = operator.get("/workspaces/verbs/vars/db/password");
        var viewerGenerates = viewer.post("/workspaces/verbs/vars/generate", Map.of());
        var regenerated = operator.post("/workspaces/verbs/vars/generate", Map.of("generators", List.of("db"), "regenerate", true));
        String second = admin.get("/workspaces/verbs/vars/db/password").body().path("value").asText();
        String envAfter = admin.get("/workspaces/verbs/vars/env/env").body().path("value").asText();
        var rolledBack = operator.post("/workspaces/verbs/vars/db/rollback", Map.of());
        String third = admin.get("/workspaces/verbs/vars/db/password").body().path("value").asText();
        JsonNode outdated = viewer.get("/workspaces/verbs/vars").body();
        var fixed = operator.post("/workspaces/verbs/vars/fix", Map.of());
        var unknown = operator.post("/workspaces/verbs/vars/generate", Map.of("generators", List.of("nope")));
        var noFile = viewer.get("/workspaces/verbs/vars/db/nothing");
        var noVars = viewer.get("/workspaces/verbs-none/vars");

        assertThat(generated.status()).as(generated.toString()).isEqualTo(200);
        assertThat(viewerSecret.status()).isEqualTo(403);
        assertThat(viewerSecret.error()).isEqualTo("file password of generator db is secret: only admins may read it");
        assertThat(operatorSecret.status()).isEqualTo(403);
        assertThat(viewerGenerates.status()).isEqualTo(403);
        assertThat(regenerated.body().toString()).contains("\"generator\":\"db\",\"outcome\":\"generated\"")
                .contains("\"generator\":\"env\",\"outcome\":\"generated\"");
        assertThat(second).isNotEqualTo(first);
        assertThat(envAfter).as("the dependent was made again from the new value").isEqualTo("DB_PASSWORD=" + second);
        assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
        assertThat(third).isEqualTo(first);
        assertThat(generator(outdated, "env").path("status").asText()).startsWith("outdated");
        assertThat(fixed.status()).isEqualTo(200);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error()).contains("declares no generator named nope");
        assertThat(noFile.status()).isEqualTo(404);
        assertThat(noVars.status()).isEqualTo(404);
        assertThat(admin.get("/audit?limit=1000").body().toString()).contains("vars.get-secret").contains("vars.rollback")
                .doesNotContain(first).doesNotContain(second);
    }

    @Test
    void an_operator_may_set_a_prompt_but_only_an_admin_may_overwrite_a_generated_file_and_it_is_audited() {
        assertThat(operator.post("/workspaces", Map.of("name", "overwrite", "template", "app-vars")).status()).isEqualTo(201);

        var prompt = operator.call("PUT", "/workspaces/overwrite/vars/contact/email", Map.of("value", "ops@shop.example"));
        var byOperator = operator.call("PUT", "/workspaces/overwrite/vars/db/password", Map.of("value", "operator-chosen-0123456789"));
        var byAdmin = admin.call("PUT", "/workspaces/overwrite/vars/db/password", Map.of("value", "admin-chosen-0123456789"));
        String stored = admin.get("/workspaces/overwrite/vars/db/password").body().path("value").asText();
        String audit = admin.get("/audit?limit=1000").body().toString();

        assertThat(prompt.status()).as(prompt.toString()).isEqualTo(200);
        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(byOperator.error()).isEqualTo("file password of generator db is generated, not a prompt's value: "
                + "only admins may overwrite it (operators may set prompts, or regenerate it)");
        assertThat(byAdmin.status()).as(byAdmin.toString()).isEqualTo(200);
        assertThat(stored).isEqualTo("admin-chosen-0123456789");
        assertThat(audit).contains("contact/email (prompt)").contains("db/password (generated file overwritten)")
                .doesNotContain("admin-chosen").doesNotContain("operator-chosen").doesNotContain("ops@shop");
    }

    @Test
    void generate_with_a_generator_name_that_is_no_name_is_400_naming_it() {
        assertThat(operator.post("/workspaces", Map.of("name", "traversal", "template", "app-vars")).status()).isEqualTo(201);

        var traversal = operator.post("/workspaces/traversal/vars/generate", Map.of("generators", List.of("../x")));
        var notText = operator.post("/workspaces/traversal/vars/generate", Map.of("generators", List.of(Map.of("a", 1))));
        var badFlag = operator.post("/workspaces/traversal/vars/generate", Map.of("regenerate", "yes"));

        assertThat(traversal.status()).isEqualTo(400);
        assertThat(traversal.error()).startsWith("generators: generator name \"../x\" is not valid");
        assertThat(notText.status()).isEqualTo(400);
        assertThat(badFlag.status()).isEqualTo(400);
        assertThat(badFlag.error()).isEqualTo("regenerate must be true or false");
    }
}
