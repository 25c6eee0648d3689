package dev.baozi.harness.proxmox;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What volumes hold, as files: a disk image is a JSON file of the guest's files (path to content),
 * a backup archive a JSON file of the VM's config and each disk's files. Local volumes live under
 * {@code <data>/nodes/<node>/<storage>/}, shared ones under {@code <data>/shared/<storage>/}, and
 * the archives of the shared backup storage in its own directory, which another simulator may
 * use too. Whatever copies a volume (clone, vzdump, restore, migrate) copies its file, so "the data
 * moved" can be read back from disk. Callers hold the {@link Cluster}'s lock.
 */
final class Disks {

    /** The storage id of the backup storage two simulators can share. */
    static final String SHARED_BACKUP = "shared-backup";

    /** A backup archive's file: the VM it saved, its config (as {@code qemu-server/<vmid>.conf}) and each disk's files. */
    record Archive(int vmid, long ctime, long size, String format, String config, Map<String, Map<String, String>> disks) {}

    private record Image(Map<String, String> files) {}

    private final ObjectMapper json = new ObjectMapper();
    private final Path data;
    private final Path sharedBackups;

    Disks(Path data, Path sharedBackups) {
        this.data = data;
        this.sharedBackups = sharedBackups;
    }

    /** Whether this simulator has the shared backup storage. */
    boolean hasSharedBackups() {
        return sharedBackups != null;
    }

    private Path file(Volume v, boolean shared) {
        String name = v.name();
        if (name.contains("..") || name.startsWith("/")) {
            throw PveException.failure("volume name '" + name + "' is not allowed");
        }
        if (v.storage().equals(SHARED_BACKUP) && sharedBackups != null) {
            return sharedBackups.resolve(name + ".json");
        }
        Path dir = shared ? data.resolve("shared").resolve(v.storage()) : data.resolve("nodes").resolve(v.node()).resolve(v.storage());
        return dir.resolve(name + ".json");
    }

    /** The guest's files on a disk image (empty for a fresh one). */
    Map<String, String> files(Volume disk, boolean shared) {
        Path f = file(disk, shared);
        if (!Files.isRegularFile(f)) {
            return new TreeMap<>();
        }
        try {
            return new TreeMap<>(json.readValue(f.toFile(), Image.class).files());
        } catch (IOException e) {
            throw new UncheckedIOException("reading disk image " + f, e);
        }
    }

    void writeFiles(Volume disk, boolean shared, Map<String, String> files) {
        write(file(disk, shared), new Image(new TreeMap<>(files)));
    }

    /** {@code to} holds what {@code from} holds (nothing when {@code from} has no file yet). */
    void copy(Volume from, boolean fromShared, Volume to, boolean toShared) {
        writeFiles(to, toShared, files(from, fromShared));
    }

    void delete(Volume v, boolean shared) {
        try {
            Files.deleteIfExists(file(v, shared));
        } catch (IOException e) {
            throw new UncheckedIOException("deleting the file of volume " + v.volid(), e);
        }
    }

    void writeArchive(Volume backup, boolean shared, Archive archive) {
        write(file(backup, shared), archive);
    }

    Optional<Archive> archive(Volume backup, boolean shared) {
        Path f = file(backup, shared);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(f.toFile(), Archive.class));
        } catch (IOException e) {
            throw new UncheckedIOException("reading backup archive " + f, e);
        }
    }

    /** The archives in the shared backup storage, as volumes {@code node} sees (every simulator using the directory sees them). */
    List<Volume> sharedArchives(String node) {
        List<Volume> out = new ArrayList<>();
        if (sharedBackups == null) {
            return out;
        }
        Path dir = sharedBackups.resolve("backup");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted(Comparator.naturalOrder()).toList()) {
                String name = "backup/" + f.getFileName().toString().replaceFirst("\\.json$", "");
                Archive a;
                try {
                    a = json.readValue(f.toFile(), Archive.class);
                } catch (IOException e) {
                    continue; // being written by another simulator
                }
                out.add(new Volume(node, SHARED_BACKUP, name, a.vmid(), "backup", a.format(), a.size(), a.ctime(), a.config()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing the shared backup storage " + dir, e);
        }
        return out;
    }

    private void write(Path f, Object value) {
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            json.writeValue(tmp.toFile(), value);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + f, e);
        }
    }

    /** Removes this simulator's own data directory (a temporary one); the shared backup directory is left alone. */
    void deleteAll() {
        if (!Files.isDirectory(data)) {
            return;
        }
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing the simulator's disks in " + data, e);
        }
    }
}
