package dev.baozi.openbao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/** The local half of envelope encryption: AES-256-GCM round trips, and what does not open. */
class DataKeyCipherTest {

    private static final byte[] TEXT = "a plan or a state".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = {'h', 'd', 'r'};

    private static SecretKey key(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) fill);
        return DataKeyCipher.key(raw);
    }

    @Test
    void a_ciphertext_after_a_prefix_opens_from_its_offset_to_the_same_plaintext() {
        byte[] nonce = DataKeyCipher.newNonce();
        byte[] prefix = {1, 2, 3, 4, 5};

        byte[] sealed = DataKeyCipher.encrypt(key(7), nonce, TEXT, AAD, prefix);

        assertThat(sealed).startsWith(prefix).hasSize(prefix.length + TEXT.length + DataKeyCipher.TAG_BYTES);
        assertThat(DataKeyCipher.decrypt(key(7), nonce, sealed, prefix.length, AAD)).contains(TEXT);
        assertThat(DataKeyCipher.decrypt(key(7), nonce, Arrays.copyOfRange(sealed, prefix.length, sealed.length), AAD)).contains(TEXT);
    }

    @Test
    void another_key_nonce_or_associated_data_or_a_flipped_bit_opens_to_nothing() {
        byte[] nonce = DataKeyCipher.newNonce();
        byte[] sealed = DataKeyCipher.encrypt(key(7), nonce, TEXT, AAD);
        byte[] flipped = sealed.clone();
        flipped[0] ^= 1;

        assertThat(DataKeyCipher.decrypt(key(8), nonce, sealed, AAD)).isEmpty();
        assertThat(DataKeyCipher.decrypt(key(7), DataKeyCipher.newNonce(), sealed, AAD)).isEmpty();
        assertThat(DataKeyCipher.decrypt(key(7), nonce, sealed, new byte[] {'x'})).isEmpty();
        assertThat(DataKeyCipher.decrypt(key(7), nonce, flipped, AAD)).isEmpty();
        assertThat(DataKeyCipher.decrypt(key(7), nonce, Arrays.copyOf(sealed, 5), AAD)).isEmpty();
    }

    @Test
    void two_nonces_differ_and_a_key_must_have_256_bits() {
        assertThat(DataKeyCipher.newNonce()).hasSize(12).isNotEqualTo(DataKeyCipher.newNonce());
        assertThatThrownBy(() -> DataKeyCipher.key(new byte[16])).hasMessage("an AES-256 data key has 32 bytes, this one has 16");
    }
}
