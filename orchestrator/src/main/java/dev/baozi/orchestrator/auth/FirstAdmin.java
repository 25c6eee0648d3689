package dev.baozi.orchestrator.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first person who can log in to the web UI. When no user has a password yet, user
 * {@code admin} (created, or reused and made an admin) gets a random one-time password that must
 * be changed at first login; the password goes to a file only its owner can read (mode 0600),
 * never to the log.
 */
public final class FirstAdmin {

    public static final String USER_NAME = "admin";
    /** Letters and digits without the ones people mistake for each other (0 O o, 1 l I). */
    static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    static final int LENGTH = 24;

    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private FirstAdmin() {}

    /**
     * Makes sure someone can log in. Returns the file the one-time password was written to, or
     * empty when nothing was needed (a user has a password) or nothing was done ({@code
     * passwordFile} already has content, which is never overwritten).
     *
     * @throws UncheckedIOException when the file cannot be written (nothing is changed then)
     */
    public static Optional<Path> ensure(UserRepository users, SessionService sessions, Path passwordFile, Clock clock) {
        if (users.anyWithPassword()) {
            return Optional.empty();
        }
        Path file = passwordFile.toAbsolutePath();
        String password = newPassword();
        try {
            if (!writeOwnerOnly(file, password + "\n")) {
                log.warn("No user has a password yet, but {} exists already and is not overwritten, so no one-time "
                        + "password was made; delete it and restart to get one, or log in with the password it holds", file);
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the first admin's one-time password to " + file + ": " + e, e);
        }
        try {
            AppUser admin = users.byName(USER_NAME)
                    .orElseGet(() -> users.insert(USER_NAME, Role.ADMIN, OffsetDateTime.now(clock)));
            if (admin.role() != Role.ADMIN) {
                users.setRole(admin.id(), Role.ADMIN);
                log.warn("User {} had role {}; it is now an admin, as the first admin", USER_NAME, admin.role().wire());
            }
            sessions.setPassword(USER_NAME, password, true);
        } catch (RuntimeException e) {
            // No password was stored: the file would only mislead.
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
        log.info("First admin: log in to the web UI as {} with the one-time password in {}; it must be changed at first login",
                USER_NAME, file);
        return Optional.of(file);
    }

    /** 24 characters from {@link #ALPHABET} (about 139 bits), acceptable to {@link PasswordPolicy} for {@code admin}. */
    static String newPassword() {
        while (true) {
            var password = new StringBuilder(LENGTH);
            for (int i = 0; i < LENGTH; i++) {
                password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            if (PasswordPolicy.check(USER_NAME, password.toString()) == null) {
                return password.toString();
            }
        }
    }

    /**
     * Creates {@code file} with mode 0600 from the start (no moment where others could read it) and
     * writes {@code content}. False when the file exists with content already; an empty one is
     * replaced.
     */
    private static boolean writeOwnerOnly(Path file, String content) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > 0) {
                return false;
            }
            Files.delete(file);
        }
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (SeekableByteChannel out = Files.newByteChannel(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            // The umask may only take bits away; set the mode exactly anyway.
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (FileAlreadyExistsException e) {
            return false; // created by someone else in between: theirs
        }
        return true;
    }
}
