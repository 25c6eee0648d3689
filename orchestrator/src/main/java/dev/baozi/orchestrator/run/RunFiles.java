package dev.baozi.orchestrator.run;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A run's files are its own: folders 0700 and files 0600, set as they are created (not
 * after), whatever the process's umask, so no other account on the machine reads a value of
 * a run's inputs, its plan or its credentials.
 */
final class RunFiles {

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private RunFiles() {}

    /** Creates {@code dir} and any missing parent as private folders (parents that exist are left as they are). */
    static void makePrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            makePrivateDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FOLDER));
        } catch (FileAlreadyExistsException e) {
            // made meanwhile by another run's step: fine if it is a folder
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
        Files.setPosixFilePermissions(dir, FOLDER); // the umask may have taken bits off
    }

    /** Writes {@code content} to {@code dir/relative} as a private file, creating private folders on the way. */
    static Path writePrivate(Path dir, String relative, byte[] content) throws IOException {
        Path target = dir.resolve(relative);
        makePrivateDirectories(target.getParent());
        Files.deleteIfExists(target);
        Files.createFile(target, PosixFilePermissions.asFileAttribute(FILE)); // private before it holds a byte
        Files.write(target, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        return target;
    }
}
