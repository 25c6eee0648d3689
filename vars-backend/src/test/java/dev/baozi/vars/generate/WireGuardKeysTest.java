package dev.baozi.vars.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WireGuardKeysTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void the_public_keys_of_rfc_7748s_test_vectors_match() {
        // RFC 7748, section 6.1: Alice's and Bob's private keys and their public keys.
        assertThat(HEX.formatHex(WireGuardKeys.publicKeyOf(HEX.parseHex(
                "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(WireGuardKeys.publicKeyOf(HEX.parseHex(
                "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    }

    @Test
    void a_generated_key_is_clamped_base64_of_32_bytes_like_wg_genkey() {
        WireGuardKeys.Pair pair = WireGuardKeys.generate(new SecureRandom());

        byte[] priv = Base64.getDecoder().decode(pair.privateKey());
        assertThat(priv).hasSize(32);
        assertThat(priv[0] & 7).isZero();
        assertThat(priv[31] & 0x80).isZero();
        assertThat(priv[31] & 0x40).isEqualTo(0x40);
        assertThat(pair.publicKey()).hasSize(44).isEqualTo(Base64.getEncoder().encodeToString(WireGuardKeys.publicKeyOf(priv)));
        assertThat(pair.toString()).doesNotContain(pair.privateKey());
    }
}
