package dev.baozi.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.baozi.orchestrator.MovableClock;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstAdminTest {

    private static final PasswordHasher CHEAP = new PasswordHasher(new PasswordHasher.Parameters(256, 1, 1, 16, 32));

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private Database database;
    private UserRepository users;
    private SessionService sessions;
    private Path file;

    @BeforeEach
    void open() {
        database = Database.open(new BaoziConfig.Database("jdbc:h2:mem:first-admin-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "sa", ""));
        users = new UserRepository(database.dsl());
        sessions = new SessionService(users, new SessionRepository(database.dsl()), new AuditRepository(database.dsl(), clock),
                CHEAP, new LoginRateLimiter(clock), clock, Duration.ofHours(12), Duration.ofDays(7));
        file = dir.resolve("orchestrator/admin-password");
    }

    @AfterEach
    void close() {
        database.close();
    }

    /** What the call printed to stderr (where slf4j-simple logs) and returned. */
    private record Logged<T>(T result, String log) {}

    private static <T> Logged<T> capturingLog(Supplier<T> call) {
        PrintStream original = System.err;
        var captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            T result = call.get();
            return new Logged<>(result, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private Optional<Path> ensure() {
        return FirstAdmin.ensure(users, sessions, file, clock);
    }

    @Test
    void with_no_password_anywhere_admin_gets_a_one_time_password_in_an_owner_only_file_and_not_in_the_log() throws IOException {
        Logged<Optional<Path>> run = capturingLog(this::ensure);

        assertThat(run.result()).hasValue(file);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String password = Files.readString(file).strip();
        assertThat(password).hasSize(24).matches("[" + FirstAdmin.ALPHABET + "]+");
        assertThat(run.log()).contains(file.toString()).contains("must be changed at first login").doesNotContain(password);
        assertThat(users.byName("admin")).hasValueSatisfying(u -> assertThat(u.role()).isEqualTo(Role.ADMIN));
        var in = assertThat(sessions.login("admin", password, "127.0.0.1")).asInstanceOf(type(LoginOutcome.LoggedIn.class)).actual();
        assertThat(in.session().mustChangePassword()).isTrue();
        assertThat(in.session().role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void the_alphabet_has_no_characters_people_mistake_for_each_other() {
        assertThat(FirstAdmin.ALPHABET).doesNotContain("0", "O", "o", "1", "l", "I").hasSize(56);
        assertThat(FirstAdmin.newPassword()).isNotEqualTo(FirstAdmin.newPassword());
    }

    @Test
    void a_second_start_changes_nothing() throws IOException {
        ensure();
        String written = Files.readString(file);
        String hash = users.credentials("admin").orElseThrow().passwordHash();

        assertThat(ensure()).isEmpty();

        assertThat(Files.readString(file)).isEqualTo(written);
        assertThat(users.credentials("admin").orElseThrow().passwordHash()).isEqualTo(hash);
        assertThat(users.all()).hasSize(1);
    }

    @Test
    void an_existing_file_with_content_is_never_overwritten_and_no_password_is_made() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "something the operator keeps here\n");

        Logged<Optional<Path>> run = capturingLog(this::ensure);

        assertThat(run.result()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo("something the operator keeps here\n");
        assertThat(run.log()).contains(file + " exists already");
        assertThat(users.anyWithPassword()).isFalse();
        assertThat(users.byName("admin")).isEmpty();
    }

    @Test
    void an_existing_empty_file_is_replaced_by_an_owner_only_one() throws IOException {
        Files.createDirectories(file.getParent());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));

        assertThat(ensure()).hasValue(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file).strip()).hasSize(24);
    }

    @Test
    void nothing_is_done_when_someone_can_log_in_already() {
        users.insert("carol", Role.OPERATOR, OffsetDateTime.now(clock));
        sessions.setPassword("carol", "a very different passphrase", false);

        assertThat(ensure()).isEmpty();

        assertThat(file).doesNotExist();
        assertThat(users.byName("admin")).isEmpty();
    }

    @Test
    void an_existing_user_named_admin_is_reused_and_made_an_admin() throws IOException {
        AppUser existing = users.insert("admin", Role.VIEWER, OffsetDateTime.now(clock));

        ensure();

        assertThat(users.all()).singleElement().satisfies(u -> {
            assertThat(u.id()).isEqualTo(existing.id());
            assertThat(u.role()).isEqualTo(Role.ADMIN);
        });
        assertThat(sessions.login("admin", Files.readString(file).strip(), null)).isInstanceOf(LoginOutcome.LoggedIn.class);
    }
}
