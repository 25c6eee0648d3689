package dev.baozi.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.run.LogLine;
import dev.baozi.ui.view.RunView;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogPresenterTest {

    private static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 3, 9, 5, 7, 0, ZoneOffset.ofHours(2));

    private static List<LogLine> log(String step, String text) {
        List<LogLine> lines = new ArrayList<>();
        for (String l : text.split("\n", -1)) {
            lines.add(new LogLine(1, lines.size() + 1, step, AT, l));
        }
        return lines;
    }

    private static List<String> shown(List<LogLine> lines) {
        return LogPresenter.present(lines).stream().map(RunView.LogLine::line).toList();
    }

    @Test
    void the_lock_file_advice_and_the_checksum_warning_box_are_not_shown_and_other_warnings_are() {
        List<String> shown = shown(log("init", """
                - Installed hashicorp/null v3.2.3 (unauthenticated)

                OpenTofu has created a lock file .terraform.lock.hcl to record the provider
                selections it made above. Include this file in your version control repository
                so that OpenTofu can guarantee to make the same selections by default when
                you run "tofu init" in the future.

                ╷
                │ Warning: Incomplete lock file information for providers
                │
                │ Due to your customized provider installation methods, OpenTofu was forced
                │ to calculate lock file checksums locally for the following providers:
                │   - hashicorp/null
                │
                │ To calculate additional checksums for another platform, run:
                │   tofu providers lock -platform=linux_amd64
                ╵
                ╷
                │ Warning: Deprecated attribute
                ╵
                OpenTofu has been successfully initialized!"""));

        assertThat(String.join("\n", shown)).doesNotContain("lock file").doesNotContain("checksums")
                .doesNotContain("in the future").contains("Installed hashicorp/null")
                .contains("│ Warning: Deprecated attribute").contains("OpenTofu has been successfully initialized!");
    }

    @Test
    void only_bazis_plan_summary_is_shown_not_tofus_count_that_disagrees_with_it() {
        List<LogLine> lines = new ArrayList<>(log("plan", "Plan: 2 to add, 0 to change, 1 to destroy."));
        lines.add(new LogLine(1, 2, "baozi", AT, "plan ready: 1 to add, 0 to change, 1 to replace, 0 to destroy; waiting for approval"));

        assertThat(shown(lines)).containsExactly("plan ready: 1 to add, 0 to change, 1 to replace, 0 to destroy; waiting for approval");
    }

    @Test
    void each_line_carries_its_time_of_day_in_utc() {
        assertThat(LogPresenter.present(log("plan", "x")).getFirst().at()).isEqualTo("07:05:07");
    }

    @Test
    void a_warning_box_still_being_written_is_shown_as_it_is() {
        assertThat(shown(log("init", "╷\n│ Warning: Incomplete lock file information for providers"))).hasSize(2);
    }

    @Test
    void the_checksum_warning_as_one_json_diagnostic_line_is_not_shown_either() {
        var lines = List.of(
                new LogLine(1, 1, "init", AT, "Installed bpg/proxmox v0.112.0 (unauthenticated)"),
                new LogLine(1, 2, "init", AT, "Warning: Incomplete lock file information for providers: Due to your customized"
                        + " provider installation methods, OpenTofu was forced to calculate lock file checksums locally for the"
                        + " following providers:\n  - bpg/proxmox\n\nThe current .terraform.lock.hcl file only includes checksums"
                        + " for linux_amd64"),
                new LogLine(1, 3, "init", AT, "Warning: Deprecated attribute: use x instead"));

        assertThat(shown(lines)).containsExactly("Installed bpg/proxmox v0.112.0 (unauthenticated)",
                "Warning: Deprecated attribute: use x instead");
    }

    @Test
    void the_expression_the_page_hands_its_script_hides_the_same_single_lines() {
        Pattern hidden = Pattern.compile(LogPresenter.HIDDEN_LINE);
        assertThat(hidden.matcher("Plan: 1 to add, 0 to change, 0 to destroy.").find()).isTrue();
        assertThat(hidden.matcher("you run \"tofu init\" in the future.").find()).isTrue();
        assertThat(hidden.matcher("plan ready: 1 to add").find()).isFalse();
    }
}
