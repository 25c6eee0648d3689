package dev.baozi.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.auth.LoginOutcome;
import dev.baozi.orchestrator.auth.UserRepository;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.run.PlanJson;
import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunRepository;
import dev.baozi.orchestrator.run.RunStatus;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against the real app (H2; OpenBao unreachable, so only what needs none of it). */
class BaoziCliAppTest {

    private static final String ADMIN_TOKEN = "admin-test-token-0123456789";
    private static final String SECRET = "hunter2-canary-9f3a";

    @TempDir
    Path dir;

    private AppOnH2 h2;
    private Database database;
    private Orchestrator.Wiring wiring;
    private Javalin app;
    private String url;

    @BeforeEach
    void start() throws Exception {
        h2 = AppOnH2.start("cli-app", Map.of("BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN));
        database = h2.database();
        wiring = h2.wiring();
        app = h2.app();
        url = h2.base();
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private record Result(int exit, String out, String err) {}

    private Result cli(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var withUrl = new HashMap<>(env);
        withUrl.put("BAOZI_URL", url);
        int exit = BaoziCli.run(args, withUrl, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result admin(String... args) {
        return cli(Map.of("BAOZI_ADMIN_TOKEN", ADMIN_TOKEN), args);
    }

    @Test
    void an_explicit_admin_token_wins_over_an_exported_user_token() throws Exception {
        Path file = Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN + "\n");
        var viewerToken = cli(Map.of("BAOZI_ADMIN_TOKEN", ADMIN_TOKEN), "user", "create", "--name", "vic", "--role", "viewer");
        assertThat(viewerToken.exit()).isEqualTo(BaoziCli.OK);
        String token = admin("user", "token", "--name", "vic").out().strip();

        Result asViewer = cli(Map.of("BAOZI_TOKEN", token), "user", "list");
        Result withEnv = cli(Map.of("BAOZI_TOKEN", token, "BAOZI_ADMIN_TOKEN", ADMIN_TOKEN), "user", "list");
        Result withFile = cli(Map.of("BAOZI_TOKEN", token), "user", "list", "--admin-token-file", file.toString());

        assertThat(asViewer.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(withEnv.exit()).as(withEnv.err()).isEqualTo(BaoziCli.OK);
        assertThat(withEnv.out()).contains("\"vic\"");
        assertThat(withFile.exit()).as(withFile.err()).isEqualTo(BaoziCli.OK);
    }

    @Test
    void users_are_changed_disabled_and_deleted_and_given_a_password_from_the_cli() throws Exception {
        admin("user", "create", "--name", "robot", "--role", "viewer");
        String token = admin("user", "token", "--name", "robot").out().strip();
        Path password = Files.writeString(dir.resolve("pw"), "first password 2025\n");

        Result role = admin("user", "role", "--name", "robot", "--role", "operator");
        Result pw = admin("user", "password", "--name", "robot", "--password-file", password.toString());
        Result disable = admin("user", "disable", "--name", "robot");
        Result refusedWhileDisabled = cli(Map.of("BAOZI_TOKEN", token), "workspace", "list");
        Result enable = admin("user", "enable", "--name", "robot");
        Result revoke = admin("user", "revoke-tokens", "--name", "robot");
        Result afterRevoke = cli(Map.of("BAOZI_TOKEN", token), "workspace", "list");

        assertThat(role.exit()).isEqualTo(BaoziCli.OK);
        assertThat(role.out()).contains("\"operator\"");
        assertThat(pw.exit()).isEqualTo(BaoziCli.OK);
        assertThat(pw.out() + pw.err()).doesNotContain("first password 2025");
        assertThat(wiring.sessions().login("robot", "first password 2025", "127.0.0.1"))
                .isInstanceOfSatisfying(LoginOutcome.LoggedIn.class, in -> assertThat(in.session().mustChangePassword()).isTrue());
        assertThat(disable.out()).contains("\"disabled\" : true");
        assertThat(refusedWhileDisabled.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(enable.exit()).isEqualTo(BaoziCli.OK);
        assertThat(revoke.out()).contains("\"revoked\" : 1");
        assertThat(afterRevoke.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(admin("user", "delete", "--name", "robot").exit()).isEqualTo(BaoziCli.OK);
        assertThat(new UserRepository(database.dsl()).byName("robot")).isEmpty();
        Result weak = admin("user", "create", "--name", "carol", "--role", "viewer", "--password-file",
                Files.writeString(dir.resolve("weak"), "short").toString());
        assertThat(weak.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(weak.err()).isEqualTo("baozi: the orchestrator answered 400: a password needs at least 12 characters\n");
    }

    private Workspace workspace() {
        return new WorkspaceRepository(database.dsl()).insert("web", "demo", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6",
                "admin", OffsetDateTime.now(), null);
    }

    /** A planned run whose plan creates one resource, changes one (a sensitive attribute among them) and destroys one. */
    private Run planned(Workspace web) {
        String show = """
                {"format_version": "1.2", "terraform_version": "1.12.6", "resource_changes": [
                  {"address": "random_pet.new", "type": "random_pet", "name": "new",
                   "change": {"actions": ["create"], "before": null, "after": {"length": 2}, "after_unknown": {"id": true}}},
                  {"address": "local_file.conf", "type": "local_file", "name": "conf",
                   "change": {"actions": ["update"], "before": {"size": 1, "secret": "%s", "path": "/a"},
                              "after": {"size": 2, "secret": "%s-new", "path": "/a"},
                              "before_sensitive": {"secret": true}, "after_sensitive": {"secret": true}, "after_unknown": {}}},
                  {"address": "random_pet.old", "type": "random_pet", "name": "old",
                   "change": {"actions": ["delete"], "before": {"id": "calm-cat"}, "after": null}}]}
                """.formatted(SECRET, SECRET);
        var reviewed = PlanJson.review(show.getBytes(StandardCharsets.UTF_8));
        var runs = new RunRepository(database.dsl());
        Run run = runs.insert(web.id(), false, "olga", OffsetDateTime.now());
        runs.transition(run.id(), RunStatus.QUEUED, RunStatus.PLANNING, OffsetDateTime.now());
        runs.recordPlan(run.id(), reviewed.plan().toString(), reviewed.summary());
        runs.transition(run.id(), RunStatus.PLANNING, RunStatus.PLANNED, OffsetDateTime.now());
        return run;
    }

    @Test
    void run_show_plan_prints_each_change_with_its_attributes_masked_and_how_to_approve() {
        Run run = planned(workspace());

        Result shown = admin("run", "show", "--id", Long.toString(run.id()), "--plan");

        assertThat(shown.exit()).as(shown.err()).isEqualTo(BaoziCli.OK);
        assertThat(shown.out())
                .contains("run " + run.id() + " of workspace web is planned")
                .contains("  # random_pet.new will be created\n  + random_pet.new\n      + length = 2\n      + id = (known after apply)")
                .contains("  # local_file.conf will be updated in place\n  ~ local_file.conf\n      ~ size = 1 -> 2\n")
                .contains("      ? secret = (sensitive; whether it changes is not shown)")
                .contains("  # random_pet.old will be destroyed\n  - random_pet.old\n      - id = \"calm-cat\"")
                .contains("Plan: 1 to add, 1 to change, 0 to replace, 1 to destroy.")
                .doesNotContain(SECRET)
                .doesNotContain("path");
        assertThat(shown.err()).isEqualTo("approve with: baozi run approve --id " + run.id() + " --confirm-destroy; or discard with:"
                + " baozi run discard --id " + run.id() + "\n");
    }

    @Test
    void approving_a_destroying_plan_without_the_flag_names_the_flag() {
        Run run = planned(workspace());

        Result approve = admin("run", "approve", "--id", Long.toString(run.id()));

        assertThat(approve.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(approve.err()).contains("confirm_destroy: true (--confirm-destroy)").hasLineCount(1);
    }

    @Test
    void run_show_and_follow_say_why_a_queued_run_waits() {
        Workspace web = workspace();
        Run first = planned(web);
        Run second = wiring.runs().queue(web, false, new dev.baozi.orchestrator.auth.Principal.Admin());

        Result shown = admin("run", "show", "--id", Long.toString(second.id()));

        assertThat(shown.exit()).isEqualTo(BaoziCli.OK);
        assertThat(shown.out()).contains("\"waiting\" : \"waiting behind run " + first.id() + ", which awaits approval\"");
        assertThat(shown.err()).isEqualTo("run " + second.id() + " is queued: waiting behind run " + first.id()
                + ", which awaits approval\n");
    }

    @Test
    void following_a_queued_run_prints_why_it_waits_until_it_ends() throws Exception {
        Workspace web = workspace();
        Run first = planned(web);
        Run second = wiring.runs().queue(web, false, new dev.baozi.orchestrator.auth.Principal.Admin());
        wiring.scheduler().start(); // notes the wait in the run's log; it cannot start the run while the first holds the workspace
        String why = "waiting behind run " + first.id() + ", which awaits approval";

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (new dev.baozi.orchestrator.run.RunLogRepository(database.dsl()).lastSeq(second.id()) == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var following = java.util.concurrent.CompletableFuture.supplyAsync(() -> BaoziCli.run(
                new String[] {"run", "logs", "--id", Long.toString(second.id()), "--follow"},
                Map.of("BAOZI_URL", url, "BAOZI_ADMIN_TOKEN", ADMIN_TOKEN),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        while (!out.toString(StandardCharsets.UTF_8).contains(why) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        wiring.runs().cancel(second.id(), new dev.baozi.orchestrator.auth.Principal.Admin(), false);
        var followed = new Result(following.get(20, java.util.concurrent.TimeUnit.SECONDS), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));

        assertThat(followed.exit()).isEqualTo(BaoziCli.RUN_FAILED);
        assertThat(followed.out()).isEqualTo("[baozi] " + why + "\n");
        assertThat(followed.err()).startsWith("run " + second.id() + " is queued: " + why + "\n").endsWith("is canceled\n");
    }

    @Test
    void backup_list_prints_the_recorded_backups_and_restore_on_an_unknown_provider_is_refused_naming_it() {
        var now = java.time.OffsetDateTime.now();
        long id = new dev.baozi.orchestrator.backup.BackupRepository(database.dsl()).insert(new dev.baozi.orchestrator.backup.VmBackup(0,
                "shop", "sim-a", "pve1", 101, "shop", "local", "local:backup/vzdump-qemu-101-2026_01_01-00_00_00.vma.zst", 2048,
                dev.baozi.orchestrator.backup.BackupReason.MANUAL, "olga", now, now.plusDays(30))).id();

        Result list = admin("backup", "list", "--workspace", "shop");
        Result restore = admin("backup", "restore", "--workspace", "shop", "--id", Long.toString(id), "--provider", "nope");
        Result badVmid = admin("backup", "restore", "--workspace", "shop", "--id", Long.toString(id), "--vmid", "abc");

        assertThat(list.exit()).isEqualTo(BaoziCli.OK);
        assertThat(list.out()).contains("\"volid\" : \"local:backup/vzdump-qemu-101-2026_01_01-00_00_00.vma.zst\"", "\"reason\" : \"manual\"");
        assertThat(restore.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(restore.err()).isEqualTo("baozi: the orchestrator answered 422: provider: there is no provider named nope\n");
        assertThat(badVmid.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(badVmid.err()).contains("--vmid takes a number, got 'abc'");
    }
}
