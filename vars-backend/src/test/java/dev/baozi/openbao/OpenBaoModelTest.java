package dev.baozi.openbao;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The values the client hands out: what they answer, and that printing one shows no secret. */
class OpenBaoModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void an_entry_gives_a_field_as_text_and_null_for_a_missing_or_null_one() {
        var entry = new KvEntry(JSON.createObjectNode().put("token", "t").putNull("gone"), 4);

        assertThat(entry.text("token")).isEqualTo("t");
        assertThat(entry.text("gone")).isNull();
        assertThat(entry.text("absent")).isNull();
    }

    @Test
    void printing_an_entry_a_data_key_or_an_approle_shows_no_secret() {
        var entry = new KvEntry(JSON.createObjectNode().put("secret", "s3cr3t-value"), 4);
        var key = new Transit.DataKey(new byte[] {1, 2, 3}, "vault:v1:wrapped");
        var role = new AppRole("approle", "role-1", "secret-id-value");

        assertThat(entry.toString()).isEqualTo("KvEntry[version=4, data=(hidden)]");
        assertThat(key.toString()).doesNotContain("[1, 2, 3]").doesNotContain("AQID").contains("vault:v1:wrapped");
        assertThat(role.toString()).contains("role-1").doesNotContain("secret-id-value");
    }

    @Test
    void a_version_the_metadata_does_not_list_counts_as_destroyed() {
        var versions = new TreeMap<Long, KvMetadata.Version>();
        versions.put(2L, new KvMetadata.Version(OffsetDateTime.parse("2026-01-01T00:00:00Z"), KvMetadata.VersionState.DELETED));
        versions.put(3L, new KvMetadata.Version(OffsetDateTime.parse("2026-01-02T00:00:00Z"), KvMetadata.VersionState.LIVE));
        var metadata = new KvMetadata(3, 2, 0, versions);

        assertThat(metadata.state(1)).isEqualTo(KvMetadata.VersionState.DESTROYED);
        assertThat(metadata.state(2)).isEqualTo(KvMetadata.VersionState.DELETED);
        assertThat(metadata.state(3)).isEqualTo(KvMetadata.VersionState.LIVE);
    }

    @Test
    void data_keys_with_the_same_bytes_are_equal() {
        assertThat(new Transit.DataKey(new byte[] {1, 2}, "w")).isEqualTo(new Transit.DataKey(new byte[] {1, 2}, "w"))
                .isNotEqualTo(new Transit.DataKey(new byte[] {1, 3}, "w"));
    }
}
