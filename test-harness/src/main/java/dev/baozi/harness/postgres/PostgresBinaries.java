package dev.baozi.harness.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The PostgreSQL server programs: {@code BAOZI_POSTGRES_BIN} when set, else the newest
 * {@code /usr/lib/postgresql/<major>/bin} (Debian and Ubuntu lay each major version out there).
 */
record PostgresBinaries(Path dir) {

    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final List<String> NEEDED = List.of("initdb", "pg_ctl", "postgres", "psql");

    static PostgresBinaries locate() {
        String override = System.getenv("BAOZI_POSTGRES_BIN");
        if (override != null && !override.isBlank()) {
            return checked(Path.of(override), "BAOZI_POSTGRES_BIN");
        }
        return newestUnder(DEBIAN_ROOT)
                .map(dir -> checked(dir, DEBIAN_ROOT + "/*/bin"))
                .orElseThrow(() -> new IllegalStateException("locating PostgreSQL: no " + DEBIAN_ROOT
                        + "/<version>/bin with initdb; install postgresql (apt-get install postgresql)"
                        + " or set BAOZI_POSTGRES_BIN to the folder holding initdb and pg_ctl"));
    }

    Path initdb() {
        return dir.resolve("initdb");
    }

    Path pgCtl() {
        return dir.resolve("pg_ctl");
    }

    Path psql() {
        return dir.resolve("psql");
    }

    /** The bin folder of the highest major version (numeric order, so 9.6 sorts before 15). */
    private static Optional<Path> newestUnder(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions
                    .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingDouble(PostgresBinaries::versionNumber))
                    .map(v -> v.resolve("bin"));
        } catch (IOException e) {
            throw new UncheckedIOException("locating PostgreSQL: listing " + root, e);
        }
    }

    private static double versionNumber(Path versionDir) {
        try {
            return Double.parseDouble(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static PostgresBinaries checked(Path dir, String source) {
        for (String program : NEEDED) {
            if (!Files.isExecutable(dir.resolve(program))) {
                throw new IllegalStateException("locating PostgreSQL: " + source + " = " + dir + " has no executable "
                        + program);
            }
        }
        return new PostgresBinaries(dir.toAbsolutePath());
    }
}
