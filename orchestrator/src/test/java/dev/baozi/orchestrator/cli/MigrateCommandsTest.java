package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.db.jooq.Tables.PROVIDER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.migration.FakeMigrationActions;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code baozi migrate …} against the real app (H2) with a fake of the migration steps' work. */
class MigrateCommandsTest {

    private static final String ADMIN_TOKEN = "admin-test-token-0123456789";

    private AppOnH2 h2;
    private FakeMigrationActions fake;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeMigrationActions(Clock.systemUTC());
        h2 = AppOnH2.start("cli-migrate", Map.of("BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN),
                new Orchestrator.Extras(UnaryOperator.identity(), List.of(), fake));
        var dsl = h2.database().dsl();
        for (String name : List.of("sim-a", "sim-b")) {
            dsl.insertInto(PROVIDER).set(PROVIDER.NAME, name).set(PROVIDER.ENDPOINT, "https://" + name + ".invalid:8006")
                    .set(PROVIDER.TOKEN_ID, "baozi@pve!t").set(PROVIDER.TLS_MODE, "insecure").set(PROVIDER.DEFAULT_NODE, "pve")
                    .set(PROVIDER.CREATED_BY, "test").set(PROVIDER.CREATED_AT, OffsetDateTime.now()).execute();
        }
        new WorkspaceRepository(dsl).insert("web", "deployment", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "test",
                OffsetDateTime.now(), "sim-a");
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private record Result(int exit, String out, String err) {}

    private Result cli(String token, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = BaoziCli.run(args, Map.of("BAOZI_URL", h2.base(), "BAOZI_TOKEN", token),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String user(String name, dev.baozi.orchestrator.auth.Role role) {
        var auth = h2.auth();
        return auth.issueUserToken(auth.createUser(name, role), "test");
    }

    @Test
    void plan_show_approve_and_list_a_migration_and_a_refusal_exits_1_naming_the_flag() throws Exception {
        String operator = user("olga", dev.baozi.orchestrator.auth.Role.OPERATOR);
        String approver = user("abe", dev.baozi.orchestrator.auth.Role.APPROVER);

        Result plan = cli(operator, "migrate", "plan", "--workspace", "web", "--target-provider", "sim-b", "--pool", "10.1.0.0/24",
                "--storage", "local-lvm", "--bridge", "vmbr0");
        long id = StrictJsonMapper.objectMapper().readTree(plan.out()).path("id").asLong();
        h2.wiring().migrationRunner().settle();
        Result show = cli(operator, "migrate", "show", "--workspace", "web", "--id", Long.toString(id));
        Result approve = cli(approver, "migrate", "approve", "--workspace", "web", "--id", Long.toString(id), "--step", "plan");
        Result list = cli(operator, "migrate", "list", "--workspace", "web");
        Result decommission = cli(approver, "migrate", "decommission", "--workspace", "web", "--id", Long.toString(id));
        Result again = cli(operator, "migrate", "plan", "--workspace", "web", "--target-provider", "sim-b", "--pool", "p",
                "--storage", "s", "--bridge", "b");

        assertThat(plan.exit()).as(plan.err()).isEqualTo(BaoziCli.OK);
        assertThat(show.exit()).isEqualTo(BaoziCli.OK);
        assertThat(show.out()).contains("\"status\" : \"awaiting_approval\"").contains("\"reservedAddress\" : \"10.1.0.7\"");
        assertThat(approve.exit()).as(approve.err()).isEqualTo(BaoziCli.OK);
        assertThat(approve.out()).contains("\"step\" : \"backup\"");
        assertThat(list.out()).contains("\"id\" : " + id);
        assertThat(decommission.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(decommission.err()).startsWith("baozi: the orchestrator answered 409: migration " + id + " is running at backup");
        assertThat(again.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(again.err()).contains("already has an unfinished migration");
    }

    @Test
    void a_decommission_without_confirm_destroy_is_refused_naming_the_flag() throws Exception {
        String operator = user("olga", dev.baozi.orchestrator.auth.Role.OPERATOR);
        String approver = user("abe", dev.baozi.orchestrator.auth.Role.APPROVER);
        cli(operator, "migrate", "plan", "--workspace", "web", "--target-provider", "sim-b", "--pool", "10.1.0.0/24",
                "--storage", "local-lvm", "--bridge", "vmbr0");
        fake.adoptRunApplied = true;
        var runner = h2.wiring().migrationRunner();
        for (String[] step : List.of(new String[] {"approve", "plan"}, new String[] {"skip-wait"}, new String[] {"approve", "cutover"},
                new String[] {"approve", "switch_dns"}, new String[] {"skip-wait"})) {
            runner.settle();
            Result r = step.length == 2 ? cli(approver, "migrate", "approve", "--workspace", "web", "--id", "1", "--step", step[1])
                    : cli(approver, "migrate", "skip-wait", "--workspace", "web", "--id", "1");
            assertThat(r.exit()).as(String.join(" ", step) + ": " + r.err()).isEqualTo(BaoziCli.OK);
        }
        runner.settle();

        Result unconfirmed = cli(approver, "migrate", "decommission", "--workspace", "web", "--id", "1");
        Result confirmed = cli(approver, "migrate", "decommission", "--workspace", "web", "--id", "1", "--confirm-destroy");

        assertThat(unconfirmed.exit()).isEqualTo(BaoziCli.REFUSED);
        assertThat(unconfirmed.err()).contains("confirm_destroy: true (--confirm-destroy)");
        assertThat(confirmed.exit()).as(confirmed.err()).isEqualTo(BaoziCli.OK);
    }

    @Test
    void a_migration_id_that_is_no_number_is_a_usage_error_before_any_call() {
        Result r = cli("unused", "migrate", "show", "--workspace", "web", "--id", "first");

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).isEqualTo("baozi: --id takes a number, got 'first'\n");
    }
}
