package dev.baozi.openbao;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Transit's ciphertext prefix names the key version that wrapped it. */
class TransitTest {

    @Test
    void the_key_version_is_read_from_a_ciphertexts_prefix() {
        assertThat(Transit.keyVersionOf("vault:v3:QUJD")).hasValue(3);
        assertThat(Transit.keyVersionOf("vault:v12:QUJD")).hasValue(12);
        assertThat(Transit.keyVersionOf("QUJD")).isEmpty();
        assertThat(Transit.keyVersionOf("vault:vx:QUJD")).isEmpty();
    }
}
