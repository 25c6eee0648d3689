package dev.baozi.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.cli.BaoziCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The baozi CLI against the real orchestrator: what it prints and the exit codes scripts rely on. */
@Tag("openbao")
class BaoziCliTest {

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestStack.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of());
        try {
            for (String ws : new String[] {"cli-ws", "cli-ro", "cli-list"}) { // tokens are issued for existing workspaces only
                TestSupport.client(orchestrator).workspace(ws);
            }
        } catch (Exception e) {
            throw new IllegalStateException("creating the CLI test's workspaces", e);
        }
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    private record Run(int exit, String out, String err) {}

    private static Run cli(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = BaoziCli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> admin() {
        return Map.of("BAOZI_URL", "http://127.0.0.1:" + orchestrator.port(), "BAOZI_ADMIN_TOKEN", TestStack.ADMIN_TOKEN);
    }

    @Test
    void token_create_prints_only_the_token_and_the_token_opens_the_state_backend() throws Exception {
        Run run = cli(admin(), "token", "create", "--workspace", "cli-ws", "--name", "laptop");

        assertThat(run.exit()).isEqualTo(BaoziCli.OK);
        String token = run.out().strip();
        assertThat(token).startsWith("bzs_");
        assertThat(run.err()).contains("shown this once");
        var get = TestSupport.client(orchestrator).state("GET", "cli-ws", token, null, null);
        assertThat(get.statusCode()).isEqualTo(204);
    }

    @Test
    void a_read_only_token_from_the_cli_cannot_lock() throws Exception {
        String token = cli(admin(), "token", "create", "--workspace", "cli-ro", "--read-only").out().strip();

        var lock = TestSupport.client(orchestrator).state("LOCK", "cli-ro", token, StateHttp.lockInfo("l", "w"), null);

        assertThat(lock.statusCode()).isEqualTo(403);
    }

    @Test
    void token_list_shows_names_and_never_tokens() {
        String token = cli(admin(), "token", "create", "--workspace", "cli-list", "--name", "ci").out().strip();

        Run list = cli(admin(), "token", "list", "--workspace", "cli-list");

        assertThat(list.exit()).isEqualTo(BaoziCli.OK);
        assertThat(list.out()).contains("\"ci\"").contains("read-write").doesNotContain(token);
    }

    @Test
    void a_wrong_admin_token_exits_1_with_the_orchestrators_sentence() {
        Run run = cli(Map.of("BAOZI_URL", "http://127.0.0.1:" + orchestrator.port(), "BAOZI_ADMIN_TOKEN", "nope"),
                "lock", "list");

        assertThat(run.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(run.err()).contains("401").contains("admin token");
    }

    @Test
    void a_missing_option_exits_2_with_one_line_naming_it() {
        Run run = cli(admin(), "token", "create");

        assertThat(run.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(run.err()).isEqualTo("baozi: --workspace is required\n");
    }

    @Test
    void an_unreachable_orchestrator_exits_3() {
        Run run = cli(Map.of("BAOZI_URL", "http://127.0.0.1:" + FreePort.pick(), "BAOZI_ADMIN_TOKEN", "x"), "lock", "list");

        assertThat(run.exit()).isEqualTo(BaoziCli.UNAVAILABLE);
        assertThat(run.err()).contains("cannot reach the orchestrator");
    }

    @Test
    void a_workspace_and_its_run_are_driven_end_to_end_from_the_cli() {
        assertThat(cli(admin(), "user", "create", "--name", "cli-op", "--role", "operator").exit()).isEqualTo(BaoziCli.OK);
        assertThat(cli(admin(), "user", "create", "--name", "cli-ap", "--role", "approver").exit()).isEqualTo(BaoziCli.OK);
        String opToken = cli(admin(), "user", "token", "--name", "cli-op").out().strip();
        String apToken = cli(admin(), "user", "token", "--name", "cli-ap").out().strip();
        var asOperator = Map.of("BAOZI_URL", "http://127.0.0.1:" + orchestrator.port(), "BAOZI_TOKEN", opToken);
        var asApprover = Map.of("BAOZI_URL", "http://127.0.0.1:" + orchestrator.port(), "BAOZI_TOKEN", apToken);

        Run created = cli(asOperator, "workspace", "create", "--name", "cli-life", "--template", "demo-data",
                "--inputs", "{\"names\": [\"x\"]}");
        Run listed = cli(asOperator, "workspace", "list");
        Run plan = cli(asOperator, "run", "plan", "--workspace", "cli-life");
        String id = plan.out().strip();
        Run followPlan = cli(asOperator, "run", "logs", "--id", id, "--follow");
        Run operatorApproves = cli(asOperator, "run", "approve", "--id", id);
        Run approve = cli(asApprover, "run", "approve", "--id", id, "--comment", "ok");
        Run followApply = cli(asOperator, "run", "logs", "--id", id, "--follow");
        Run show = cli(asOperator, "run", "show", "--id", id);

        assertThat(created.exit()).isEqualTo(BaoziCli.OK);
        assertThat(listed.out()).contains("cli-life");
        assertThat(plan.exit()).isEqualTo(BaoziCli.OK);
        assertThat(id).matches("\\d+");
        assertThat(followPlan.exit()).isEqualTo(BaoziCli.OK);
        assertThat(followPlan.out()).contains("[plan]").contains("plan ready");
        assertThat(followPlan.err()).contains("is planned");
        assertThat(operatorApproves.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(operatorApproves.err()).contains("403").contains("approver role");
        assertThat(approve.exit()).isEqualTo(BaoziCli.OK);
        assertThat(followApply.exit()).isEqualTo(BaoziCli.OK);
        assertThat(followApply.out()).contains("Apply complete");
        assertThat(show.out()).contains("\"status\" : \"applied\"");
    }

    @Test
    void inputs_are_changed_and_a_replacement_is_asked_for_from_the_cli() {
        var asAdmin = admin();
        cli(asAdmin, "workspace", "create", "--name", "cli-change", "--template", "demo-data", "--inputs", "{\"greeting\": \"hi\"}");

        Run update = cli(asAdmin, "workspace", "update", "--name", "cli-change", "--inputs", "{\"greeting\": \"ho\", \"generation\": 3}");
        Run badUpdate = cli(asAdmin, "workspace", "update", "--name", "cli-change", "--inputs", "{\"generation\": \"three\"}");
        Run plan = cli(asAdmin, "run", "plan", "--workspace", "cli-change",
                "--replace", "module.demo-data.terraform_data.item[\"alpha\"]", "--replace", "module.demo-data.terraform_data.marker");
        Run show = cli(asAdmin, "run", "show", "--id", plan.out().strip());
        Run badReplace = cli(asAdmin, "run", "plan", "--workspace", "cli-change", "--replace", "not an address");
        cli(asAdmin, "run", "cancel", "--id", plan.out().strip());

        assertThat(update.exit()).as(update.err()).isEqualTo(BaoziCli.OK);
        assertThat(update.out()).contains("\"greeting\" : \"ho\"").contains("\"generation\" : 3");
        assertThat(badUpdate.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(badUpdate.err()).contains("variable generation: must be number, got a string");
        assertThat(show.out()).contains("module.demo-data.terraform_data.item[\\\"alpha\\\"]")
                .contains("module.demo-data.terraform_data.marker");
        assertThat(badReplace.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(badReplace.err()).contains("'not an address' is not a resource address");
    }

    @Test
    void generated_secrets_are_listed_masked_generated_again_and_read_only_by_an_admin_from_the_cli() {
        var asAdmin = admin();
        cli(asAdmin, "user", "create", "--name", "cli-vars-op", "--role", "operator");
        String opToken = cli(asAdmin, "user", "token", "--name", "cli-vars-op").out().strip();
        var asOperator = Map.of("BAOZI_URL", "http://127.0.0.1:" + orchestrator.port(), "BAOZI_TOKEN", opToken);
        cli(asOperator, "workspace", "create", "--name", "cli-vars", "--template", "demo-vars");

        Run checkBefore = cli(asOperator, "vars", "check", "--workspace", "cli-vars");
        Run generated = cli(asOperator, "vars", "generate", "--workspace", "cli-vars");
        Run checkAfter = cli(asOperator, "vars", "check", "--workspace", "cli-vars");
        Run list = cli(asOperator, "vars", "list", "--workspace", "cli-vars");
        Run operatorGet = cli(asOperator, "vars", "get", "--workspace", "cli-vars", "--generator", "db", "--file", "password");
        Run adminGet = cli(asAdmin, "vars", "get", "--workspace", "cli-vars", "--generator", "db", "--file", "password");
        Run publicGet = cli(asOperator, "vars", "get", "--workspace", "cli-vars", "--generator", "host-key", "--file", "id_ed25519.pub");
        Run again = cli(asOperator, "vars", "generate", "--workspace", "cli-vars", "--generator", "db", "--regenerate");
        Run adminGetAgain = cli(asAdmin, "vars", "get", "--workspace", "cli-vars", "--generator", "db", "--file", "password");
        Run rollback = cli(asOperator, "vars", "rollback", "--workspace", "cli-vars", "--generator", "db");
        Run noValue = cli(asOperator, "vars", "set", "--workspace", "cli-vars", "--generator", "db", "--file", "password");

        assertThat(checkBefore.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(checkBefore.out()).contains("db: missing");
        assertThat(checkAfter.exit()).isEqualTo(BaoziCli.OK);
        assertThat(checkAfter.out()).contains("db: ok").contains("host-key: ok").contains("app-env: ok");
        assertThat(generated.exit()).as(generated.err()).isEqualTo(BaoziCli.OK);
        assertThat(generated.out()).contains("\"outcome\" : \"generated\"");
        assertThat(list.out()).contains("********").contains("ssh-ed25519 ").doesNotContain(adminGet.out());
        assertThat(operatorGet.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(operatorGet.err()).contains("only admins may read it");
        assertThat(adminGet.out()).hasSize(32);
        assertThat(publicGet.out()).startsWith("ssh-ed25519 ");
        assertThat(again.out()).contains("app-env");
        assertThat(adminGetAgain.out()).isNotEqualTo(adminGet.out());
        assertThat(rollback.exit()).isEqualTo(BaoziCli.OK);
        assertThat(noValue.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(noValue.err()).contains("exactly one of --value and --value-file");
    }

    @Test
    void following_a_run_that_ended_canceled_exits_4() {
        var asAdmin = admin();
        cli(asAdmin, "workspace", "create", "--name", "cli-fail", "--template", "demo-data", "--inputs", "{\"delay_seconds\": 30}");
        String id = cli(asAdmin, "run", "plan", "--workspace", "cli-fail").out().strip();
        cli(asAdmin, "run", "logs", "--id", id, "--follow");
        Run cancel = cli(asAdmin, "run", "cancel", "--id", id);
        Run follow = cli(asAdmin, "run", "logs", "--id", id, "--follow");

        assertThat(cancel.exit()).isEqualTo(BaoziCli.OK);
        assertThat(follow.exit()).isEqualTo(BaoziCli.RUN_FAILED);
        assertThat(follow.err()).contains("is canceled");
    }

    @Test
    void a_run_id_that_is_not_a_number_is_a_usage_error() {
        Run run = cli(admin(), "run", "show", "--id", "abc");

        assertThat(run.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(run.err()).contains("--id takes a run number");
    }

    /** Plans with {@code planArgs}, follows, has {@code approver} approve with {@code approveArgs}, follows the apply; the run id. */
    private static String planAndApply(Map<String, String> operator, Map<String, String> approver, List<String> planArgs,
            String... approveArgs) {
        List<String> plan = new java.util.ArrayList<>(List.of("run", "plan"));
        plan.addAll(planArgs);
        String id = cli(operator, plan.toArray(String[]::new)).out().strip();
        assertThat(cli(operator, "run", "logs", "--id", id, "--follow").err()).contains("is planned");
        List<String> approve = new java.util.ArrayList<>(List.of("run", "approve", "--id", id));
        approve.addAll(List.of(approveArgs));
        Run approved = cli(approver, approve.toArray(String[]::new));
        assertThat(approved.exit()).as(approved.err()).isEqualTo(BaoziCli.OK);
        assertThat(cli(operator, "run", "logs", "--id", id, "--follow").err()).contains("is applied");
        return id;
    }

    @Test
    void a_workspace_is_deleted_from_the_cli_once_a_destroy_emptied_its_state_and_its_tokens_and_name_go_with_it() throws Exception {
        cli(admin(), "user", "create", "--name", "del-op", "--role", "operator");
        cli(admin(), "user", "create", "--name", "del-ap", "--role", "approver");
        var asOperator = Map.of("BAOZI_URL", "http://127.0.0.1:" + orchestrator.port(),
                "BAOZI_TOKEN", cli(admin(), "user", "token", "--name", "del-op").out().strip());
        var asApprover = Map.of("BAOZI_URL", "http://127.0.0.1:" + orchestrator.port(),
                "BAOZI_TOKEN", cli(admin(), "user", "token", "--name", "del-ap").out().strip());
        assertThat(cli(asOperator, "workspace", "create", "--name", "cli-del", "--template", "demo-data",
                "--inputs", "{\"names\": [\"x\"]}").exit()).isEqualTo(BaoziCli.OK);
        String stateToken = cli(admin(), "token", "create", "--workspace", "cli-del").out().strip();
        String applied = planAndApply(asOperator, asApprover, List.of("--workspace", "cli-del"));

        Run operatorDeletes = cli(asOperator, "workspace", "delete", "--name", "cli-del");
        Run withResources = cli(admin(), "workspace", "delete", "--name", "cli-del");
        planAndApply(asOperator, asApprover, List.of("--workspace", "cli-del", "--destroy"), "--confirm-destroy");
        Run deleted = cli(admin(), "workspace", "delete", "--name", "cli-del");

        assertThat(operatorDeletes.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(operatorDeletes.err()).contains("403");
        assertThat(withResources.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(withResources.err()).contains("409: workspace cli-del cannot be deleted: its state still has")
                .contains("resource(s); plan and apply a destroy run first (bin/baozi run plan --workspace cli-del --destroy)");
        assertThat(deleted.exit()).as(deleted.err()).isEqualTo(BaoziCli.OK);
        assertThat(deleted.out()).contains("\"deleted\" : \"cli-del\"").contains("\"state_tokens_revoked\" : 2");
        assertThat(cli(admin(), "workspace", "list").out()).doesNotContain("cli-del");
        assertThat(cli(admin(), "workspace", "show", "--name", "cli-del").exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(TestSupport.client(orchestrator).state("GET", "cli-del", stateToken, null, null).statusCode()).isEqualTo(401);
        var kv = TestSupport.kv(TestSupport.login(bao));
        assertThat(kv.read("workspaces/cli-del/state-token")).isEmpty();
        Run kept = cli(admin(), "run", "show", "--id", applied);
        assertThat(kept.exit()).isEqualTo(BaoziCli.OK);
        assertThat(kept.out()).contains("\"workspace\" : \"cli-del\"").contains("\"status\" : \"applied\"");

        assertThat(cli(asOperator, "workspace", "create", "--name", "cli-del", "--template", "demo-data").exit()).isEqualTo(BaoziCli.OK);
        String fresh = cli(admin(), "token", "create", "--workspace", "cli-del").out().strip();
        assertThat(TestSupport.client(orchestrator).state("GET", "cli-del", fresh, null, null).statusCode()).isNotEqualTo(200);
    }
}
