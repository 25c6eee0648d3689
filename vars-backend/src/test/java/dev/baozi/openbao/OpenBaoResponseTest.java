package dev.baozi.openbao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which of OpenBao's answers are successes, refusals (4xx) or unavailability (5xx, 429), and what their messages show. */
class OpenBaoResponseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void a_success_is_returned_as_it_is() {
        var ok = new OpenBaoResponse(200, json("{\"data\": {\"version\": 3}}"));

        assertThat(ok.requireOk("writing x")).isSameAs(ok);
        assertThat(ok.data().path("version").asLong()).isEqualTo(3);
        assertThat(new OpenBaoResponse(204, JSON.createObjectNode()).ok()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 405})
    void a_4xx_answer_is_refused_with_its_status_what_was_being_done_and_openbaos_errors(int status) {
        var refused = new OpenBaoResponse(status, json("{\"errors\": [\"permission denied\"]}"));

        assertThatThrownBy(() -> refused.requireOk("reading baozi/x"))
                .isInstanceOfSatisfying(OpenBaoRefusedException.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessage("reading baozi/x: OpenBao answered HTTP " + status + " [\"permission denied\"]");
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503})
    void a_5xx_or_429_answer_is_unavailable_so_the_edge_answers_503(int status) {
        var sealed = new OpenBaoResponse(status, json("{\"errors\": [\"Vault is sealed\"]}"));

        assertThatThrownBy(() -> sealed.requireOk("reading baozi/x"))
                .isInstanceOf(OpenBaoUnavailableException.class)
                .hasMessage("reading baozi/x: OpenBao answered HTTP " + status + " [\"Vault is sealed\"]");
    }

    @Test
    void a_refusal_names_only_openbaos_errors_never_the_body_it_came_with() {
        var refused = new OpenBaoResponse(400, json("{\"errors\": [\"bad\"], \"data\": {\"secret\": \"s3cr3t-value\"}}"));

        assertThatThrownBy(() -> refused.requireOk("writing x")).hasMessageNotContaining("s3cr3t-value");
        assertThat(refused.toString()).isEqualTo("OpenBaoResponse[status=400]");
    }

    @Test
    void an_answer_without_errors_says_so_with_an_empty_list() {
        assertThatThrownBy(() -> new OpenBaoResponse(404, JSON.createObjectNode()).requireOk("reading x"))
                .hasMessage("reading x: OpenBao answered HTTP 404 []");
    }
}
