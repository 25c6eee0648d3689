package dev.baozi.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line as the CLI reads it, before any call: errors name the option, --help works at every level. */
class BaoziCliUsageTest {

    /** Nothing listens here: a test that got as far as calling would exit 3, not 2. */
    private static final Map<String, String> ENV = Map.of("BAOZI_URL", "http://127.0.0.1:9", "BAOZI_ADMIN_TOKEN", "x");

    private record Result(int exit, String out, String err) {}

    private static Result cli(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = BaoziCli.run(args, ENV, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void an_unknown_option_is_a_one_line_usage_error_naming_it() {
        Result r = cli("run", "show", "--id", "1", "--bogus", "x");

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).isEqualTo("baozi: unknown option --bogus (see: baozi run show --help)\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void an_option_of_another_command_is_refused_naming_the_command() {
        Result r = cli("run", "show", "--id", "1", "--destroy");

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).isEqualTo("baozi: --destroy is not an option of 'run show' (see: baozi run show --help)\n");
    }

    @Test
    void an_option_missing_its_value_is_named_also_when_another_option_follows() {
        Result last = cli("workspace", "show", "--name");
        Result followed = cli("workspace", "show", "--name", "--url", "http://127.0.0.1:9");

        assertThat(last.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(last.err()).isEqualTo("baozi: --name needs a value\n");
        assertThat(followed.err()).isEqualTo("baozi: --name needs a value\n");
    }

    @Test
    void a_single_dash_option_and_a_repeated_option_are_usage_errors() {
        assertThat(cli("lock", "list", "-x").err()).isEqualTo("baozi: unknown option -x (see: baozi lock list --help)\n");
        assertThat(cli("workspace", "show", "--name", "a", "--name", "b").err())
                .isEqualTo("baozi: --name is given twice; give it once\n");
    }

    @Test
    void a_required_option_left_out_is_one_line() {
        Result r = cli("token", "create");

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).isEqualTo("baozi: --workspace is required\n");
    }

    @Test
    void unknown_commands_point_at_the_help_of_their_group() {
        assertThat(cli("run", "explode").err()).isEqualTo("baozi: unknown command: run explode (see: baozi run --help)\n");
        assertThat(cli("frobnicate").err()).isEqualTo("baozi: unknown command: frobnicate (see: baozi --help)\n");
        assertThat(cli().err()).isEqualTo("baozi: no command given (see: baozi --help)\n");
    }

    @Test
    void help_works_for_everything_a_group_and_a_command() {
        Result all = cli("--help");
        Result group = cli("run", "--help");
        Result command = cli("run", "plan", "--help");
        Result shortForm = cli("user", "password", "-h");

        assertThat(all.exit()).isEqualTo(BaoziCli.OK);
        assertThat(all.out()).contains("workspace create").contains("run plan").contains("user password").contains("exit codes");
        assertThat(group.exit()).isEqualTo(BaoziCli.OK);
        assertThat(group.out()).contains("run plan").contains("run show").doesNotContain("workspace create");
        assertThat(command.exit()).isEqualTo(BaoziCli.OK);
        assertThat(command.out()).contains("run plan    --workspace W").doesNotContain("run show");
        assertThat(shortForm.out()).contains("--password-file F");
        assertThat(all.err() + group.err() + command.err()).isEmpty();
    }

    @Test
    void help_for_an_unknown_command_is_a_usage_error() {
        Result r = cli("run", "explode", "--help");

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).isEqualTo("baozi: unknown command: run explode\n");
    }

    @Test
    void bad_json_in_inputs_names_the_option_and_where() {
        Result create = cli("workspace", "create", "--name", "w", "--template", "t", "--inputs", "{\"size\": 2,\n \"name\": }");
        Result update = cli("workspace", "update", "--name", "w", "--inputs", "{oops}");

        assertThat(create.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(create.err()).startsWith("baozi: --inputs is not valid JSON at line 2, column 10: Unexpected character ('}'")
                .hasLineCount(1);
        assertThat(update.err()).startsWith("baozi: --inputs is not valid JSON at line 1, column 2:").hasLineCount(1);
    }

    @Test
    void a_refusal_naming_an_api_field_names_the_cli_flag_too() {
        assertThat(BaoziCli.withFlags("run 7 destroys 1 and replaces 0 resources; approve with confirm_destroy: true if that is intended"))
                .isEqualTo("run 7 destroys 1 and replaces 0 resources; approve with confirm_destroy: true (--confirm-destroy) if that is intended");
        assertThat(BaoziCli.withFlags("approve with force_dns: true if that is intended"))
                .isEqualTo("approve with force_dns: true (--force-dns) if that is intended");
        assertThat(BaoziCli.withFlags("no run 7")).isEqualTo("no run 7");
    }

    @Test
    void bad_json_is_said_before_missing_credentials() {
        var err = new ByteArrayOutputStream();
        int exit = BaoziCli.run(new String[] {"workspace", "update", "--name", "w", "--inputs", "{oops}",
                "--admin-token-file", "/nonexistent/token"}, Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(BaoziCli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("baozi: --inputs is not valid JSON at line 1, column 2:");
    }
}
