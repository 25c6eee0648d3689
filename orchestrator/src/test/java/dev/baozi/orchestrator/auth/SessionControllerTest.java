package dev.baozi.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the login form may send a browser after it logged in. */
class SessionControllerTest {

    @Test
    void the_next_parameter_of_the_login_form_only_leads_to_this_site() {
        assertThat(SessionController.safeNext("/runs/3")).isEqualTo("/runs/3");
        assertThat(SessionController.safeNext("//evil.example/x")).isEqualTo("/workspaces");
        assertThat(SessionController.safeNext("https://evil.example/")).isEqualTo("/workspaces");
        assertThat(SessionController.safeNext("/\\evil.example")).isEqualTo("/workspaces");
        assertThat(SessionController.safeNext(null)).isEqualTo("/workspaces");
    }
}
