package dev.baozi.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.state.StateVersion;
import dev.baozi.orchestrator.workspace.DemoTemplate;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.ui.view.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of the run and workspace pages: status vocabulary, run of a state version, masked files. */
class PagePartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_run_status_has_one_label_and_a_css_class_the_stylesheet_colours() throws IOException {
        String css;
        try (InputStream in = dev.baozi.ui.StaticAssets.class.getResourceAsStream("static/baozi.css")) {
            css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> labels = new HashSet<>();
        for (RunStatus s : RunStatus.values()) {
            Status status = RunPagesController.status(s);
            assertThat(status.css()).isEqualTo("status-" + s.wire());
            assertThat(css).as(s + " has a colour").contains("." + status.css());
            assertThat(labels.add(status.label())).as("one label per status: " + status.label()).isTrue();
        }
        assertThat(RunPagesController.status(RunStatus.PLANNED).label()).isEqualTo("needs approval");
    }

    private static Template template() {
        return DemoTemplate.template();
    }

    private static Run run(long id, OffsetDateTime started, OffsetDateTime finished) {
        return new Run(id, 1, "shop", RunStatus.APPLIED, false, List.of(), "user:olga", started, started, finished, null, null,
                null, null, null, null, null, null, null);
    }

    private static OffsetDateTime at(int minute) {
        return OffsetDateTime.of(2026, 12, 3, 8, minute, 0, 0, ZoneOffset.UTC);
    }

    private static StateVersion version(String who, OffsetDateTime when) {
        return new StateVersion(1, 1L, "l", 1, "sha", "md5", who, when.toInstant(), false);
    }

    @Test
    void a_state_version_links_to_the_run_under_way_when_the_runs_token_wrote_it_and_to_no_run_otherwise() {
        List<Run> runs = List.of(run(3, at(30), null), run(2, at(10), at(20)), run(1, at(0), at(5)));
        String runs_ = WorkspacePagesController.runWriter("shop");

        assertThat(WorkspacePagesController.runOf(version(runs_, at(15)), "shop", runs)).isEqualTo(2L);
        assertThat(WorkspacePagesController.runOf(version(runs_, at(31)), "shop", runs)).isEqualTo(3L);
        assertThat(WorkspacePagesController.runOf(version(runs_, at(25)), "shop", runs)).as("between runs").isNull();
        assertThat(WorkspacePagesController.runOf(version("state-token:shop/laptop", at(15)), "shop", runs))
                .as("someone else's write during a run").isNull();
        assertThat(WorkspacePagesController.runOf(version(runs_, at(15)), "other", runs)).isNull();
    }

    @Test
    void a_generated_file_shows_no_sensitive_input_nor_one_the_template_does_not_declare() throws Exception {
        var ws = new dev.baozi.orchestrator.workspace.Workspace(1, "shop", "demo", JSON.readTree(
                "{\"secret_note\": \"s3cret-canary\", \"greeting\": \"hi\", \"stray\": \"other-canary\"}"), "1.12.6", "user:olga",
                OffsetDateTime.now(), null);
        byte[] main = """
                {"module": {"demo": {"source": "./modules/demo", "secret_note": "s3cret-canary", "greeting": "hi",
                 "stray": "other-canary"}}}""".getBytes(StandardCharsets.UTF_8);

        String shown = WorkspacePagesController.masked("main.tf.json", main, ws, Optional.of(template()));

        assertThat(shown).doesNotContain("canary").contains("\"secret_note\" : \"(sensitive)\"").contains("\"greeting\" : \"hi\"");
        assertThat(WorkspacePagesController.masked("broken.json", "{\"module\": s3cret".getBytes(StandardCharsets.UTF_8), ws,
                Optional.of(template()))).doesNotContain("s3cret");
    }
}
