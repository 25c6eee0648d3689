package dev.baozi.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The audit page's reading of stored outcomes. */
class AuditPageTest {

    @Test
    void audit_outcomes_read_as_one_vocabulary_whatever_was_recorded() {
        assertThat(Arrays.asList("200", "201", "204", "ok").stream().map(AuditPageController::outcome).distinct())
                .containsExactly("succeeded");
        assertThat(Arrays.asList("403", "401", "refused").stream().map(AuditPageController::outcome).distinct())
                .containsExactly("refused");
        assertThat(Arrays.asList("409", "422", "404").stream().map(AuditPageController::outcome).distinct())
                .containsExactly("rejected");
        assertThat(Arrays.asList("502", "errored").stream().map(AuditPageController::outcome).distinct())
                .containsExactly("failed");
    }
}
