package dev.baozi.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
        assertThat(all.out()).contains("workspace create").contains("run plan").contains("user password").contains("Exit codes");
        assertThat(group.exit()).isEqualTo(BaoziCli.OK);
        assertThat(group.out()).contains("run plan").contains("run show").doesNotContain("workspace create");
        assertThat(command.exit()).isEqualTo(BaoziCli.OK);
        assertThat(command.out()).contains("Usage: baozi run plan").contains("--workspace=W").doesNotContain("run show");
        assertThat(shortForm.out()).contains("--password-file=F");
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
        assertThat(BaoziCli.withFlags("run 7 changes DNS past its safety thresholds (too many); approve with force: [\"dns\"] if that is intended"))
                .isEqualTo("run 7 changes DNS past its safety thresholds (too many); approve with force: [\"dns\"] (--force dns) if that is intended");
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

    /** Every group and command the CLI has had, and the two it gained (completion, help). */
    static Stream<String> commands() {
        return Stream.of("workspace", "workspace create", "workspace list", "workspace show", "workspace update", "workspace delete",
                "run", "run plan", "run show", "run logs", "run approve", "run discard", "run cancel",
                "vars", "vars list", "vars check", "vars generate", "vars get", "vars set", "vars fix", "vars rollback",
                "backup", "backup list", "backup create", "backup restore",
                "user", "user create", "user list", "user token", "user revoke-tokens", "user role", "user disable", "user enable",
                "user delete", "user password",
                "token", "token create", "token list", "token revoke",
                "lock", "lock list", "lock force-unlock",
                "state", "state versions", "state rollback",
                "migrate", "migrate plan", "migrate list", "migrate show", "migrate approve", "migrate skip-wait", "migrate retry",
                "migrate rollback", "migrate decommission",
                "completion", "completion bash", "help");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void help_on_every_group_and_command_prints_its_usage_and_exits_0(String command) {
        List<String> words = List.of(command.split(" "));
        Result longForm = cli(Stream.concat(words.stream(), Stream.of("--help")).toArray(String[]::new));
        Result shortForm = cli(Stream.concat(words.stream(), Stream.of("-h")).toArray(String[]::new));
        Result helpCommand = cli(Stream.concat(Stream.of("help"), words.stream()).toArray(String[]::new));

        assertThat(longForm.exit()).as(longForm.err()).isEqualTo(BaoziCli.OK);
        assertThat(longForm.out()).startsWith("Usage: baozi " + command + " ").contains("--help").contains("Exit codes");
        assertThat(longForm.err()).isEmpty();
        assertThat(shortForm).isEqualTo(longForm);
        assertThat(helpCommand).isEqualTo(longForm);
    }

    @Test
    void the_overall_usage_lists_every_command_with_its_options() {
        Result all = cli("--help");

        assertThat(commands().filter(c -> c.contains(" "))).allSatisfy(command -> assertThat(all.out())
                .containsPattern("(?m)^  " + java.util.regex.Pattern.quote(command) + "( |$)"));
        assertThat(all.out()).contains("  run plan --workspace=W [--destroy] [--replace=ADDR]...\n")
                .contains("  vars set --workspace=W --generator=G --file=F [--value=V] [--value-file=PATH]\n")
                .contains("  4   the followed run ended errored or canceled (run logs --follow)");
        assertThat(cli("help")).isEqualTo(all);
    }

    @Test
    void an_unknown_option_or_command_exits_2_and_prints_nothing_on_stdout() {
        for (Result r : List.of(cli("frobnicate"), cli("run", "explode"), cli("run", "show", "--id", "1", "--bogus"),
                cli("--bogus", "lock", "list"), cli("help", "run", "explode"), cli("run", "show", "5", "--id", "1"))) {
            assertThat(r.exit()).as(r.err()).isEqualTo(BaoziCli.USAGE);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).startsWith("baozi: ").hasLineCount(1);
        }
        assertThat(cli("run", "show", "5", "--id", "1").err()).isEqualTo("baozi: unexpected argument '5' (see: baozi run show --help)\n");
        assertThat(cli("--bogus", "lock", "list").err()).isEqualTo("baozi: unknown option --bogus (see: baozi --help)\n");
    }

    @Test
    void a_group_without_a_command_is_a_usage_error_pointing_at_the_groups_help() {
        Result r = cli("run");

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).isEqualTo("baozi: unknown command: run (see: baozi run --help)\n");
    }

    @Test
    void a_switch_given_a_value_is_a_usage_error() {
        Result r = cli("run", "plan", "--workspace", "w", "--destroy=true");

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).isEqualTo("baozi: --destroy is a switch; it takes no value\n");
    }

    @Test
    void an_option_given_as_an_empty_string_counts_as_not_given() {
        Result r = cli("workspace", "show", "--name", "");

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).isEqualTo("baozi: --name is required\n");
    }

    @Test
    void numbers_are_checked_before_any_call() {
        assertThat(cli("run", "show", "--id", "abc").err()).isEqualTo("baozi: --id takes a run number, got 'abc'\n");
        assertThat(cli("token", "revoke", "--workspace", "w", "--id", "x1").err()).isEqualTo("baozi: --id takes a number, got 'x1'\n");
        assertThat(cli("state", "rollback", "--workspace", "w", "--version", "-1").exit()).isEqualTo(BaoziCli.USAGE);
    }

    @Test
    void version_prints_one_line_naming_the_client_and_exits_0() {
        Result r = cli("--version");

        assertThat(r.exit()).isEqualTo(BaoziCli.OK);
        assertThat(r.out()).startsWith("baozi ").hasLineCount(1);
    }

    @Test
    void the_bash_completion_script_completes_every_group_command_and_option() {
        Result r = cli("completion", "bash");

        assertThat(r.exit()).isEqualTo(BaoziCli.OK);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_baozi")
                .contains("workspace run vars backup user token lock state migrate completion help")
                .contains("force-unlock list")
                .contains("'--confirm-destroy' '--force-dns'")
                .contains("--password-file");
    }

    @Test
    void an_unreachable_orchestrator_is_exit_3_naming_what_failed() {
        Result r = cli("lock", "list");

        assertThat(r.exit()).isEqualTo(BaoziCli.UNAVAILABLE);
        assertThat(r.err()).startsWith("baozi: cannot reach the orchestrator: ").doesNotEndWith("null\n").hasLineCount(1);
    }

    @Test
    void a_password_is_read_from_standard_input_only_when_asked_with_a_dash() {
        Result empty = cli("user", "password", "--name", "u", "--password-file", "-");

        assertThat(empty.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(empty.err()).isEqualTo("baozi: --password-file - holds no password (its first line is the password)\n");
    }

    @Test
    void a_value_starting_with_an_at_sign_is_taken_as_it_is_not_as_a_file_of_arguments(@TempDir Path dir) throws Exception {
        Path arguments = Files.writeString(dir.resolve("args"), "{}\n");

        Result r = cli("workspace", "create", "--name", "w", "--template", "t", "--inputs", "@" + arguments);

        assertThat(r.exit()).isEqualTo(BaoziCli.USAGE);
        assertThat(r.err()).startsWith("baozi: --inputs is not valid JSON");
    }
}
