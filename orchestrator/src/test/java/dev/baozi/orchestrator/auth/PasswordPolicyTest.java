package dev.baozi.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordPolicyTest {

    @Test
    void twelve_characters_are_enough_and_eleven_are_not() {
        assertThat(PasswordPolicy.check("alice", "abcdefghijk")).isEqualTo("a password needs at least 12 characters");
        assertThat(PasswordPolicy.check("alice", "abcdefghijkl")).isNull();
    }

    @Test
    void characters_are_counted_not_utf16_units() {
        // eleven emoji are 22 UTF-16 units but 11 characters
        assertThat(PasswordPolicy.check("alice", "🥟".repeat(11))).isEqualTo("a password needs at least 12 characters");
        assertThat(PasswordPolicy.check("alice", "🥟".repeat(12))).isNull();
    }

    @Test
    void more_than_1024_characters_are_refused() {
        assertThat(PasswordPolicy.check("alice", "x".repeat(1024))).isNull();
        assertThat(PasswordPolicy.check("alice", "x".repeat(1025))).isEqualTo("a password may have at most 1024 characters");
    }

    @Test
    void a_missing_password_is_refused() {
        assertThat(PasswordPolicy.check("alice", null)).isEqualTo("a password is required");
        assertThat(PasswordPolicy.check("alice", "")).isEqualTo("a password is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"maintenance-team", "MAINTENANCE-TEAM", "my-Maintenance-Team-pw", "maintenance-team123!"})
    void the_user_name_in_any_case_is_refused_alone_or_inside(String password) {
        assertThat(PasswordPolicy.check("maintenance-team", password)).isEqualTo("a password must not contain the user name");
    }

    @Test
    void a_short_user_name_is_refused_only_as_the_whole_password() {
        assertThat(PasswordPolicy.check("bob", "bobbobbobbob")).isNull();
        assertThat(PasswordPolicy.check("bobbobbobbob", "BOBBOBBOBBOB")).isEqualTo("a password must not contain the user name");
    }
}
