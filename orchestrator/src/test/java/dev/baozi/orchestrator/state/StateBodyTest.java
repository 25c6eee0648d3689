package dev.baozi.orchestrator.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a posted state may be: a guardable JSON state or OpenTofu's encrypted envelope, nothing else. */
class StateBodyTest {

    private static StateFacts.Inspection inspect(String body) {
        return StateFacts.inspect(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_state_with_lineage_and_serial_is_readable_with_both() {
        var inspection = inspect("{\"version\":4,\"serial\":7,\"lineage\":\"l-1\",\"resources\":[{\"a\":{\"b\":[1,2]}}]}");

        assertThat(inspection).isEqualTo(new StateFacts.Inspection.Readable(new StateFacts(7L, "l-1")));
    }

    @Test
    void opentofus_encrypted_envelope_is_accepted_as_encrypted() {
        var inspection = inspect("{\"meta\":{\"key_provider.pbkdf2.k\":\"eyJ\"},\"encrypted_data\":\"c2VjcmV0\",\"encryption_version\":\"v0\"}");

        assertThat(inspection).isInstanceOf(StateFacts.Inspection.Encrypted.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json at all|the state is not valid JSON: ",
        "[1,2]|the state is not a JSON object",
        "{\"serial\":1,\"lineage\":\"a\"} {}|the state has data after its JSON object",
        "{\"version\":4}|the state has no lineage and no serial, and is not OpenTofu's encrypted envelope",
        "{\"serial\":1}|the state has no lineage,",
        "{\"lineage\":\"a\"}|the state has no serial,",
        "{\"serial\":1,\"lineage\":\"a\",\"serial\":9}|the state names its top-level key \"serial\" twice",
        "{\"serial\":1,\"lineage\":\"a\",\"lineage\":\"b\"}|the state names its top-level key \"lineage\" twice",
        "{\"serial\":18446744073709551617,\"lineage\":\"a\"}|the state's serial must be a whole number from 0 to 9223372036854775807, got 18446744073709551617",
        "{\"serial\":-1,\"lineage\":\"a\"}|the state's serial must be a whole number",
        "{\"serial\":1.5,\"lineage\":\"a\"}|the state's serial must be a whole number",
        "{\"serial\":\"1\",\"lineage\":\"a\"}|the state's serial must be a whole number",
        "{\"serial\":1,\"lineage\":\"\"}|the state's lineage must be a non-empty string",
        "{\"serial\":1,\"lineage\":7}|the state's lineage must be a non-empty string",
        "{\"meta\":{},\"encrypted_data\":\"x\"}|the state has no lineage and no serial, and is not OpenTofu's encrypted envelope",
        "{\"meta\":[],\"encrypted_data\":\"x\",\"encryption_version\":\"v0\"}|the state looks like OpenTofu's encrypted envelope, but",
        "{\"meta\":{},\"encrypted_data\":\"x\",\"encryption_version\":\"v0\",\"serial\":1}|the state has no lineage,",
    })
    void anything_else_is_refused_saying_why(String body, String reason) {
        var inspection = inspect(body);

        assertThat(inspection).isInstanceOf(StateFacts.Inspection.Refused.class);
        assertThat(((StateFacts.Inspection.Refused) inspection).reason()).startsWith(reason);
    }

    @Test
    void a_state_that_is_not_utf8_is_refused_naming_the_byte() {
        byte[] body = "{\"serial\":1,\"lineage\":\"a\",\"x\":\"??\"}".getBytes(StandardCharsets.UTF_8);
        body[body.length - 4] = (byte) 0xC3;
        body[body.length - 3] = (byte) 0x28;

        var inspection = StateFacts.inspect(body);

        assertThat(inspection).isEqualTo(new StateFacts.Inspection.Refused("the state is not valid UTF-8 (at byte 31)"));
    }

    @Test
    void accept_encoding_that_is_only_separators_is_not_gzip_and_no_error() {
        assertThat(StateController.acceptsGzip(";")).isFalse();
        assertThat(StateController.acceptsGzip(",;,")).isFalse();
        assertThat(StateController.acceptsGzip("gzip;")).isTrue();
        assertThat(StateController.acceptsGzip("gzip;q=0")).isFalse();
    }
}
