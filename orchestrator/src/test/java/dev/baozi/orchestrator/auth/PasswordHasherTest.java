package dev.baozi.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {

    /** Cheap parameters: the algorithm is the same, only smaller. */
    private static final PasswordHasher CHEAP = new PasswordHasher(new PasswordHasher.Parameters(256, 1, 1, 16, 32));

    /** From the Argon2 reference implementation's tests (phc-winner-argon2): password "password", salt "somesalt". */
    private static final String REFERENCE_64_MIB =
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

    @Test
    void a_hash_verifies_its_own_password_and_no_other() {
        String encoded = CHEAP.hash("correct horse battery staple");

        assertThat(CHEAP.verify("correct horse battery staple", encoded)).isTrue();
        assertThat(CHEAP.verify("correct horse battery stapler", encoded)).isFalse();
        assertThat(CHEAP.verify("Correct horse battery staple", encoded)).isFalse();
        assertThat(CHEAP.verify("", encoded)).isFalse();
        assertThat(CHEAP.verify(null, encoded)).isFalse();
    }

    @Test
    void the_standard_hash_is_an_unpadded_phc_string_with_owasps_minimum_parameters() {
        PasswordHasher standard = PasswordHasher.standard();

        String encoded = standard.hash("pässwörd mit Ümläuten 🥟");

        assertThat(encoded).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("=$").doesNotEndWith("=");
        String[] parts = encoded.split("\\$");
        assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
        assertThat(standard.verify("pässwörd mit Ümläuten 🥟", encoded)).isTrue();
        assertThat(standard.needsRehash(encoded)).isFalse();
    }

    @Test
    void two_hashes_of_one_password_differ_by_their_random_salt() {
        assertThat(CHEAP.hash("the same password")).isNotEqualTo(CHEAP.hash("the same password"));
    }

    @Test
    void the_reference_implementations_argon2id_strings_verify() {
        assertThat(CHEAP.verify("password", REFERENCE_64_MIB)).isTrue();
        assertThat(CHEAP.verify("passwore", REFERENCE_64_MIB)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {
            "password $argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "password $argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
            "password $argon2id$v=19$m=65536,t=1,p=1$c29tZXNhbHQ$9qWtwbpyPd3vm1rB1GThgPzZ3/ydHL92zKL+15XZypg",
            "differentpassword $argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C4TWUs9rDEvq7w3+J4umqA32aWKB1+DSiRuBfYxFj94",
            "password $argon2id$v=19$m=65536,t=2,p=1$ZGlmZnNhbHQ$vfMrBczELrFdWP0ZsfhWsRPaHppYdP3MVEMIVlqoFBw"})
    void more_reference_strings_verify_whatever_their_parameters(String password, String encoded) {
        assertThat(CHEAP.verify(password, encoded)).isTrue();
        assertThat(CHEAP.verify(password + "!", encoded)).isFalse();
    }

    @Test
    void a_hash_with_the_reference_salt_and_parameters_is_the_reference_string_byte_for_byte() {
        var hasher = new PasswordHasher(new PasswordHasher.Parameters(256, 2, 2, 8, 32));

        assertThat(hasher.hash("password", "somesalt".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "password",
            "$argon2id$",
            // the other variants and the old version are not accepted
            "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA",
            "$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=16$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            // missing or misplaced separators
            "$argon2id$v=19$m=256,t=2,p=1c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQnf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=2,p=1$$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$",
            "$argon2id$v=19$t=2,m=256,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            // numbers that are not plain, or out of bounds
            "$argon2id$v=19$m=0256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=x,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=2,p=0$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=999999999,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=99999,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=4,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            // not base64, impossible base64 lengths, a salt or hash too short
            "$argon2id$v=19$m=256,t=2,p=1$c29t-XNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4A",
            "$argon2id$v=19$m=256,t=2,p=1$c29tZQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR",
            // trailing or leading junk
            " $argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$"})
    void a_malformed_encoding_verifies_nothing_and_throws_nothing(String encoded) {
        assertThat(CHEAP.verify("password", encoded)).isFalse();
        assertThat(CHEAP.needsRehash(encoded)).isTrue();
    }

    @Test
    void a_hash_made_with_other_parameters_needs_a_rehash_and_one_of_its_own_does_not() {
        assertThat(CHEAP.needsRehash(REFERENCE_64_MIB)).isTrue();
        assertThat(CHEAP.needsRehash(CHEAP.hash("some password here"))).isFalse();
        assertThat(PasswordHasher.standard().needsRehash(CHEAP.hash("some password here"))).isTrue();
    }

    @Test
    void parameters_below_what_argon2_allows_are_refused_with_the_parameter_named() {
        assertThatThrownBy(() -> new PasswordHasher.Parameters(4, 2, 1, 16, 32)).hasMessageContaining("argon2 memory");
        assertThatThrownBy(() -> new PasswordHasher.Parameters(256, 0, 1, 16, 32)).hasMessageContaining("argon2 iterations");
        assertThatThrownBy(() -> new PasswordHasher.Parameters(256, 1, 1, 4, 32)).hasMessageContaining("argon2 salt");
    }

    @Test
    void hashing_without_a_password_says_what_was_missing() {
        assertThatThrownBy(() -> CHEAP.hash(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hashing a password: the password is missing");
    }
}
