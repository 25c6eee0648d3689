package dev.baozi.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Map<String, String> minimalEnv() {
        var env = new HashMap<String, String>();
        env.put("BAOZI_OPENBAO_APPROLE_ROLE_ID", "role-123");
        env.put("BAOZI_OPENBAO_APPROLE_SECRET_ID", "secret-456");
        return env;
    }

    @Test
    void defaults_apply_when_only_the_approle_is_given() {
        BaoziConfig config = ConfigLoader.load(null, minimalEnv());

        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.database().url()).isEqualTo("jdbc:h2:file:./var/db/baozi");
        assertThat(config.openbao().address()).isEqualTo(URI.create("http://127.0.0.1:8200"));
        assertThat(config.openbao().kvMount()).isEqualTo("baozi");
        assertThat(config.openbao().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void the_environment_overrides_the_config_file() throws IOException {
        Path file = dir.resolve("baozi.properties");
        Files.writeString(file, "http.port=9000\nopenbao.address=http://bao.internal:8200\n");
        var env = minimalEnv();
        env.put("BAOZI_HTTP_PORT", "9100");

        BaoziConfig config = ConfigLoader.load(file, env);

        assertThat(config.http().port()).isEqualTo(9100);
        assertThat(config.openbao().address()).isEqualTo(URI.create("http://bao.internal:8200"));
    }

    @Test
    void every_bad_setting_is_reported_by_name_in_one_error() {
        var env = new HashMap<String, String>();
        env.put("BAOZI_HTTP_PORT", "eighty");
        env.put("BAOZI_DB_URL", "jdbc:mysql://x/y");
        env.put("BAOZI_OPENBAO_ADDRESS", "ftp://bao");
        env.put("BAOZI_OPENBAO_TIMEOUT", "soon");

        assertThatThrownBy(() -> ConfigLoader.load(null, env))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("http.port:").contains("'eighty'").contains("BAOZI_HTTP_PORT"),
                        p -> assertThat(p).startsWith("db.url:").contains("jdbc:mysql://x/y"),
                        p -> assertThat(p).startsWith("openbao.address:").contains("ftp://bao"),
                        p -> assertThat(p).startsWith("openbao.timeout:").contains("'soon'"),
                        p -> assertThat(p).startsWith("openbao.approle.role-id: missing"),
                        p -> assertThat(p).startsWith("openbao.approle.secret-id-file: missing")));
    }

    @Test
    void the_secret_id_is_read_from_its_file_and_never_printed() throws IOException {
        Path secret = dir.resolve("secret-id");
        Files.writeString(secret, "s3cr3t-from-file\n");
        var env = new HashMap<String, String>();
        env.put("BAOZI_OPENBAO_APPROLE_ROLE_ID", "role-123");
        env.put("BAOZI_OPENBAO_APPROLE_SECRET_ID_FILE", secret.toString());

        BaoziConfig config = ConfigLoader.load(null, env);

        assertThat(config.openbao().secretId()).isEqualTo("s3cr3t-from-file");
        assertThat(config.toString()).doesNotContain("s3cr3t-from-file");
    }

    @Test
    void a_missing_config_file_is_named() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> ConfigLoader.load(missing, minimalEnv()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config file " + missing + " does not exist");
    }

    @Test
    void giving_the_secret_id_twice_is_refused() throws IOException {
        Path secret = dir.resolve("secret-id");
        Files.writeString(secret, "x");
        var env = minimalEnv();
        env.put("BAOZI_OPENBAO_APPROLE_SECRET_ID_FILE", secret.toString());

        assertThatThrownBy(() -> ConfigLoader.load(null, env))
                .hasMessageContaining("openbao.approle.secret-id and openbao.approle.secret-id-file: set only one");
    }

    @Test
    void relative_paths_are_made_absolute_because_tofu_runs_elsewhere() {
        var env = minimalEnv();
        env.put("BAOZI_RUNS_DIR", "./var/runs");
        env.put("BAOZI_TOFU_TEMPLATES_DIR", "tf-modules");

        BaoziConfig config = ConfigLoader.load(null, env);

        assertThat(config.runs().dir()).isAbsolute().endsWithRaw(Path.of("var", "runs"));
        assertThat(config.tofu().templatesDir()).isAbsolute().endsWithRaw(Path.of("tf-modules"));
        assertThat(config.tofu().binary()).isAbsolute();
    }

    @Test
    void states_are_sealed_with_transit_key_baozi_state_by_default_and_bad_encryption_settings_are_named() {
        BaoziConfig config = ConfigLoader.load(null, minimalEnv());
        var off = minimalEnv();
        off.put("BAOZI_STATE_ENCRYPTION", "none");
        off.put("BAOZI_STATE_TRANSIT_KEY", "team-a.states");
        var bad = minimalEnv();
        bad.put("BAOZI_STATE_ENCRYPTION", "aes");
        bad.put("BAOZI_STATE_TRANSIT_KEY", "../keys");

        assertThat(config.state().encryption()).isEqualTo(BaoziConfig.StateEncryption.TRANSIT);
        assertThat(config.state().transitKey()).isEqualTo("baozi-state");
        assertThat(ConfigLoader.load(null, off).state())
                .extracting(BaoziConfig.State::encryption, BaoziConfig.State::transitKey)
                .containsExactly(BaoziConfig.StateEncryption.NONE, "team-a.states");
        assertThatThrownBy(() -> ConfigLoader.load(null, bad))
                .hasMessageContaining("state.encryption: must be transit or none, got 'aes' (from environment BAOZI_STATE_ENCRYPTION)")
                .hasMessageContaining("state.transit-key: must be a transit key name");
    }

    @Test
    void run_settings_have_sane_defaults_and_bad_ones_are_named() {
        BaoziConfig config = ConfigLoader.load(null, minimalEnv());
        var env = minimalEnv();
        env.put("BAOZI_RUNS_MAX_CONCURRENT", "0");
        env.put("BAOZI_RUNS_SELF_APPROVAL", "sometimes");
        env.put("BAOZI_RUNS_SANDBOX", "chroot");

        assertThat(config.runs().sandbox()).isEqualTo(BaoziConfig.Sandbox.AUTO);
        assertThat(config.runs().maxConcurrent()).isEqualTo(2);
        assertThat(config.runs().selfApproval()).isFalse();
        assertThat(config.runs().planTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThatThrownBy(() -> ConfigLoader.load(null, env))
                .hasMessageContaining("runs.max-concurrent: must be a whole number from 1 to 64, got '0'")
                .hasMessageContaining("runs.self-approval: must be true or false, got 'sometimes'")
                .hasMessageContaining("runs.sandbox: must be auto, bubblewrap or none, got 'chroot'");
    }

    @Test
    void ui_sessions_last_12_hours_idle_and_7_days_at_most_with_secure_cookies_and_no_first_admin_by_default() {
        BaoziConfig config = ConfigLoader.load(null, minimalEnv());

        assertThat(config.ui().sessionIdle()).isEqualTo(Duration.ofHours(12));
        assertThat(config.ui().sessionLifetime()).isEqualTo(Duration.ofDays(7));
        assertThat(config.ui().secureCookies()).isTrue();
        assertThat(config.ui().firstAdminPasswordFile()).isEmpty();
    }

    @Test
    void ui_settings_come_from_the_file_and_the_environment_wins() throws IOException {
        Path file = dir.resolve("baozi.properties");
        Files.writeString(file, "ui.session-idle=30m\nui.session-lifetime=1d\nui.secure-cookies=false\n"
                + "ui.first-admin-password-file=/srv/baozi/admin-password\n");
        var env = minimalEnv();
        env.put("BAOZI_UI_SESSION_IDLE", "2h");
        env.put("BAOZI_UI_FIRST_ADMIN_PASSWORD_FILE", "var/orchestrator/admin-password");

        BaoziConfig config = ConfigLoader.load(file, env);

        assertThat(config.ui().sessionIdle()).isEqualTo(Duration.ofHours(2));
        assertThat(config.ui().sessionLifetime()).isEqualTo(Duration.ofDays(1));
        assertThat(config.ui().secureCookies()).isFalse();
        assertThat(config.ui().firstAdminPasswordFile()).hasValueSatisfying(p ->
                assertThat(p).isAbsolute().endsWithRaw(Path.of("var", "orchestrator", "admin-password")));
    }

    @Test
    void bad_ui_settings_are_named() {
        var env = minimalEnv();
        env.put("BAOZI_UI_SESSION_IDLE", "forever");
        env.put("BAOZI_UI_SESSION_LIFETIME", "0s");
        env.put("BAOZI_UI_SECURE_COOKIES", "maybe");

        assertThatThrownBy(() -> ConfigLoader.load(null, env))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("ui.session-idle: must be a positive duration").contains("'forever'")
                                .contains("BAOZI_UI_SESSION_IDLE"),
                        p -> assertThat(p).startsWith("ui.session-lifetime: must be a positive duration").contains("'0s'"),
                        p -> assertThat(p).startsWith("ui.secure-cookies: must be true or false").contains("'maybe'")));
    }

    @Test
    void an_idle_timeout_longer_than_the_lifetime_is_refused() {
        var env = minimalEnv();
        env.put("BAOZI_UI_SESSION_IDLE", "2d");
        env.put("BAOZI_UI_SESSION_LIFETIME", "1d");

        assertThatThrownBy(() -> ConfigLoader.load(null, env))
                .hasMessageContaining("ui.session-idle: must not be longer than ui.session-lifetime (PT48H > PT24H)");
    }

    @Test
    void the_migration_soak_defaults_to_seven_days_and_a_bad_one_is_named() {
        var env = new java.util.HashMap<>(minimalEnv());
        var defaults = ConfigLoader.load(null, env).migrations();
        env.put("BAOZI_MIGRATIONS_SOAK", "2d");
        env.put("BAOZI_MIGRATIONS_POLL", "250ms");
        var set = ConfigLoader.load(null, env).migrations();
        env.put("BAOZI_MIGRATIONS_SOAK", "a week");

        assertThat(defaults).isEqualTo(new BaoziConfig.Migrations(Duration.ofDays(7), Duration.ofSeconds(5)));
        assertThat(set).isEqualTo(new BaoziConfig.Migrations(Duration.ofDays(2), Duration.ofMillis(250)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(null, env))
                .hasMessageContaining("migrations.soak: must be a positive duration such as 500ms, 5s, 2m, 12h or 7d, got 'a week'");
    }

    @Test
    void backups_are_kept_30_days_swept_hourly_and_a_bad_backup_setting_is_named() {
        var env = new java.util.HashMap<>(minimalEnv());
        var defaults = ConfigLoader.load(null, env).backups();
        env.put("BAOZI_BACKUPS_RETENTION", "90d");
        env.put("BAOZI_BACKUPS_SWEEP_INTERVAL", "10m");
        env.put("BAOZI_BACKUPS_TIMEOUT", "30m");
        var set = ConfigLoader.load(null, env).backups();
        env.put("BAOZI_BACKUPS_RETENTION", "forever");
        env.put("BAOZI_BACKUPS_TIMEOUT", "0s");

        assertThat(defaults).isEqualTo(new BaoziConfig.Backups(Duration.ofDays(30), Duration.ofHours(1), Duration.ofHours(2)));
        assertThat(set).isEqualTo(new BaoziConfig.Backups(Duration.ofDays(90), Duration.ofMinutes(10), Duration.ofMinutes(30)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(null, env))
                .hasMessageContaining("backups.retention: must be a positive duration such as 500ms, 5s, 2m, 12h or 7d, got 'forever'")
                .hasMessageContaining("backups.timeout: must be a positive duration");
    }
}
