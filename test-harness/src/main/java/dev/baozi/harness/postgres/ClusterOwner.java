package dev.baozi.harness.postgres;

import com.sun.security.auth.module.UnixSystem;
import dev.baozi.harness.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs PostgreSQL's programs as the cluster's owner. PostgreSQL refuses to run as root, so when
 * we are root that is the {@code postgres} OS user (through {@code runuser}); otherwise it is us.
 */
final class ClusterOwner {

    static final String OS_USER = "postgres";

    private final List<String> prefix;

    private ClusterOwner(List<String> prefix) {
        this.prefix = prefix;
    }

    static ClusterOwner forThisProcess() {
        if (new UnixSystem().getUid() != 0) {
            return new ClusterOwner(List.of());
        }
        Path runuser = Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("starting PostgreSQL: running as root, PostgreSQL refuses"
                        + " root and there is no runuser (util-linux) to run it as the " + OS_USER + " user"));
        return new ClusterOwner(List.of(runuser.toString(), "-u", OS_USER, "--"));
    }

    /** Hands {@code path} to the owner (a no-op unless we are root). */
    void own(Path path) {
        if (prefix.isEmpty()) {
            return;
        }
        try {
            var users = path.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(path, users.lookupPrincipalByName(OS_USER));
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("starting PostgreSQL: running as root and there is no " + OS_USER
                    + " OS user to run it as (the Debian postgresql package creates one)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("starting PostgreSQL: handing " + path + " to the " + OS_USER + " user", e);
        }
    }

    /**
     * Runs {@code command} in {@code workDir}, its output appended to {@code log}, {@code stdin}
     * (if any) written to it; throws when it exits non-zero or outlasts {@code timeout}. The
     * message starts with {@code doing}, names the program and ends with the output's tail, with
     * {@code secret} (if any) blanked out.
     */
    void run(String doing, List<String> command, Path workDir, Path log, Duration timeout, Optional<String> stdin,
            Optional<String> secret) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        String name = prefix.isEmpty() ? doing : doing + " (" + Path.of(command.getFirst()).getFileName() + ")";
        // Our PG* settings (PGDATA, PGPORT, PGHOST...) would point the programs at another cluster.
        var spec = ManagedProcess.command(name, full).in(workDir).logTo(log).withoutEnv("PG");
        if (stdin.isPresent()) {
            spec = spec.input(stdin.get());
        }
        if (secret.isPresent()) {
            spec = spec.secret(secret.get());
        }
        spec.run(timeout);
    }

    /** The last lines of {@code file}, with {@code secret} blanked out. */
    static String tail(Path file, Optional<String> secret) {
        return ManagedProcess.tail(file, secret.stream().toList());
    }
}
