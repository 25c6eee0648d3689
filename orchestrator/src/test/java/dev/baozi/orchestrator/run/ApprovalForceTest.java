package dev.baozi.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.BadRequestResponse;
import org.junit.jupiter.api.Test;

/** Which side plan kinds an approval forces, as the API reads its body. */
class ApprovalForceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode body(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void the_force_list_names_the_kinds_and_force_kind_true_is_the_same_as_naming_it() throws Exception {
        assertThat(RunController.force(body("{}"))).isEmpty();
        assertThat(RunController.force(body("{\"force\": [\"dns\", \"memo\"]}"))).containsExactly("dns", "memo");
        assertThat(RunController.force(body("{\"force_dns\": true}"))).containsExactly("dns");
        assertThat(RunController.force(body("{\"force_dns\": false, \"force\": [\"memo\"]}"))).containsExactly("memo");
    }

    @Test
    void a_force_that_is_not_a_list_of_kinds_or_an_alias_that_is_not_a_boolean_is_a_bad_request() {
        assertThatThrownBy(() -> RunController.force(body("{\"force\": \"dns\"}"))).isInstanceOf(BadRequestResponse.class)
                .hasMessageContaining("force must be a list of side plan kinds");
        assertThatThrownBy(() -> RunController.force(body("{\"force\": [1]}"))).isInstanceOf(BadRequestResponse.class)
                .hasMessageContaining("(strings)");
        assertThatThrownBy(() -> RunController.force(body("{\"force_dns\": \"yes\"}"))).isInstanceOf(BadRequestResponse.class)
                .hasMessage("force_dns must be true or false");
    }
}
