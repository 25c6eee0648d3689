package dev.baozi.harness.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The throwaway PostgreSQL cluster itself: who may log in, where it listens, what close leaves behind. */
@Tag("slow")
class PostgresServerTest {

    private static PostgresServer postgres;

    @BeforeAll
    static void start() {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (var statement = c.createStatement(); var rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void the_generated_user_logs_in_with_its_password_to_its_own_database_as_a_non_superuser() throws SQLException {
        try (var c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            assertThat(query(c, "select current_database()")).isEqualTo("baozi");
            assertThat(query(c, "select current_user")).isEqualTo(postgres.user());
            assertThat(query(c, "select rolsuper from pg_roles where rolname = current_user")).isEqualTo("f");
            assertThat(query(c, "show listen_addresses")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void a_wrong_password_is_refused() {
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "not-the-password").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void the_superuser_cannot_log_in_over_tcp_without_a_password() {
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "").close())
                .isInstanceOf(SQLException.class);
    }

    @Test
    void the_password_is_not_in_its_description() {
        assertThat(postgres.toString()).doesNotContain(postgres.password()).contains(postgres.jdbcUrl());
        assertThat(postgres.settings().toString()).doesNotContain(postgres.password());
    }

    @Test
    void close_stops_the_server_and_deletes_its_folder() throws SQLException {
        var own = PostgresServer.start();
        Path home = own.home();
        int port = own.port();
        try (var c = DriverManager.getConnection(own.jdbcUrl(), own.user(), own.password())) {
            assertThat(query(c, "select 1")).isEqualTo("1");
        }

        own.close();

        assertThat(home).doesNotExist();
        assertThat(answers(port)).as("something still listens on 127.0.0.1:%s", port).isFalse();
        own.close(); // a second close does nothing
        assertThat(Files.exists(home)).isFalse();
    }

    private static boolean answers(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
