package dev.baozi.harness.postgres;

import dev.baozi.harness.Folders;
import dev.baozi.harness.FreePort;
import dev.baozi.harness.StopAtExit;
import dev.baozi.orchestrator.config.BaoziConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A throwaway PostgreSQL cluster in a fresh temporary folder: listening on a free port on
 * 127.0.0.1 only (password login there), its unix socket inside that folder, one database and
 * one non-superuser owner with a generated password. {@link #close()} stops it and deletes the
 * folder. Nothing secret is printed; error messages name the step that failed and end with the
 * tail of that step's output.
 */
public final class PostgresServer implements AutoCloseable {

    private static final String DATABASE = "baozi";
    private static final String USER = "baozi";
    private static final String SUPERUSER = "postgres";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final PostgresBinaries binaries;
    private final ClusterOwner owner;
    private final Path home;
    private final Path data;
    private final String password;
    private final StopAtExit stopAtExit;
    private int port;
    private boolean running;

    private final boolean keep;

    private PostgresServer(PostgresBinaries binaries, ClusterOwner owner, Path home, String password, boolean keep) {
        this.binaries = binaries;
        this.owner = owner;
        this.home = home;
        this.data = home.resolve("data");
        this.password = password;
        this.keep = keep;
        this.stopAtExit = new StopAtExit("postgres-stop-" + home.getFileName(), this::close);
    }

    private PostgresServer(PostgresBinaries binaries, ClusterOwner owner, Path home) {
        this(binaries, owner, home, HexFormat.of().formatHex(randomBytes(24)), false);
    }

    /**
     * A cluster kept in {@code home} across starts (for {@code make run}): created and provisioned
     * the first time, with the owner's password in {@code home/password} (0600); started again as it
     * is afterwards. {@link #close()} stops it and keeps the folder.
     */
    public static PostgresServer startKept(Path home) {
        var binaries = PostgresBinaries.locate();
        var owner = ClusterOwner.forThisProcess();
        Path passwordFile = home.resolve("password");
        boolean existing = Files.isRegularFile(home.resolve("data/PG_VERSION")) && Files.isRegularFile(passwordFile);
        PostgresServer server;
        try {
            if (existing) {
                server = new PostgresServer(binaries, owner, home, Files.readString(passwordFile).strip(), true);
            } else {
                deleteTree(home);
                Files.createDirectories(home);
                server = new PostgresServer(binaries, owner, home, HexFormat.of().formatHex(randomBytes(24)), true);
                Files.writeString(passwordFile, server.password, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
                Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("starting PostgreSQL in " + home, e);
        }
        return server.boot(!existing);
    }

    /** Initialises (when {@code fresh}), starts and provisions (when {@code fresh}); on failure, stops and cleans up. */
    private PostgresServer boot(boolean fresh) {
        try {
            if (fresh) {
                initialise();
            }
            launch();
            if (fresh) {
                provision();
            }
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        stopAtExit.arm();
        return this;
    }

    /** The folder holding PostgreSQL's programs (pg_dump, pg_restore, psql, ...). */
    public Path programs() {
        return binaries.dir();
    }

    /** Creates, starts and provisions a cluster under the system temporary folder. */
    public static PostgresServer start() {
        var binaries = PostgresBinaries.locate();
        var owner = ClusterOwner.forThisProcess();
        Path home;
        try {
            home = Files.createTempDirectory("baozi-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException("starting PostgreSQL: creating a temporary folder", e);
        }
        return new PostgresServer(binaries, owner, home).boot(true);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** The orchestrator's database settings for this cluster. */
    public BaoziConfig.Database settings() {
        return new BaoziConfig.Database(jdbcUrl(), USER, password);
    }

    /** The folder holding the cluster (data, socket, logs); gone after {@link #close()}. */
    public Path home() {
        return home;
    }

    private void initialise() {
        Path sockets = home.resolve("sockets");
        try {
            Files.createDirectory(sockets, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("starting PostgreSQL: creating the socket folder " + sockets, e);
        }
        owner.own(home);
        owner.own(sockets);
        step("starting PostgreSQL", List.of(binaries.initdb().toString(),
                "--pgdata=" + data, "--username=" + SUPERUSER, "--auth=trust",
                "--encoding=UTF8", "--no-locale", "--no-sync"), "initdb.log", Optional.empty());
        // Appended settings win over initdb's defaults; a later port line wins over this one.
        configure("postgresql.conf", StandardOpenOption.APPEND, """

                # baozi test cluster
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '%s'
                password_encryption = 'scram-sha-256'
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                """.formatted(sockets));
        // The superuser only through the socket (inside our 0700 folder); everyone else by password on 127.0.0.1.
        configure("pg_hba.conf", StandardOpenOption.TRUNCATE_EXISTING, """
                local  all  %s                trust
                host   all  all  127.0.0.1/32  scram-sha-256
                """.formatted(SUPERUSER));
    }

    /** pg_ctl start, on another free port when the one picked was taken meanwhile. */
    private void launch() {
        Path log = home.resolve("postgres.log");
        for (int attempt = 1; ; attempt++) {
            port = FreePort.pick();
            configure("postgresql.conf", StandardOpenOption.APPEND, "port = " + port + "\n");
            try {
                step("starting PostgreSQL on 127.0.0.1:" + port, List.of(binaries.pgCtl().toString(), "start",
                        "--pgdata=" + data, "--wait", "--timeout=" + (STEP_TIMEOUT.toSeconds() - 10),
                        "--log=" + log), "pg_ctl-start.log", Optional.empty());
                running = true;
                return;
            } catch (IllegalStateException e) {
                boolean portTaken = ClusterOwner.tail(log, Optional.empty()).contains("Address already in use");
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw new IllegalStateException(e.getMessage() + "; server log: "
                            + ClusterOwner.tail(log, Optional.empty()), e);
                }
            }
        }
    }

    private void provision() {
        String sql = """
                CREATE ROLE %s LOGIN PASSWORD '%s';
                CREATE DATABASE %s OWNER %s;
                """.formatted(USER, password, DATABASE, USER);
        step("creating the " + DATABASE + " database and user", List.of(binaries.psql().toString(),
                "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                "--host=" + home.resolve("sockets"), "--port=" + port, "--username=" + SUPERUSER,
                "--dbname=postgres", "--file=-"), "psql.log", Optional.of(sql));
    }

    /** Stops the cluster (pg_ctl stop -m fast; immediate if that fails) and deletes its folder. */
    @Override
    public synchronized void close() {
        if (!stopAtExit.disarm()) {
            return;
        }
        RuntimeException failure = null;
        if (running) {
            try {
                stop("fast");
            } catch (RuntimeException e) {
                failure = e;
                try {
                    stop("immediate");
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
        }
        try {
            if (!keep) {
                deleteHome();
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[jdbcUrl=" + jdbcUrl() + ", user=" + USER + ", password=(set), home=" + home + "]";
    }

    private void stop(String mode) {
        step("stopping PostgreSQL (" + mode + ")", List.of(binaries.pgCtl().toString(), "stop",
                "--pgdata=" + data, "--mode=" + mode, "--wait", "--timeout=" + (STEP_TIMEOUT.toSeconds() - 10)),
                "pg_ctl-stop.log", Optional.empty());
        running = false;
    }

    private void step(String doing, List<String> command, String logName, Optional<String> stdin) {
        owner.run(doing, command, home, home.resolve(logName), STEP_TIMEOUT, stdin, Optional.of(password));
    }

    private void configure(String file, StandardOpenOption mode, String text) {
        Path path = data.resolve(file);
        try {
            Files.writeString(path, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new UncheckedIOException("starting PostgreSQL: writing " + path, e);
        }
    }

    private void deleteHome() {
        deleteTree(home);
    }

    private static void deleteTree(Path home) {
        Folders.delete(home);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
