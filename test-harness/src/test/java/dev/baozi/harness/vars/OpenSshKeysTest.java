package dev.baozi.harness.vars;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.vars.generate.OpenSshKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenSSH private keys the generators write are read by the real ssh-keygen, which derives the same public key. */
class OpenSshKeysTest {

    @TempDir
    Path tmp;

    private String publicKeyBySshKeygen(String privateKey) throws IOException, InterruptedException {
        Path file = tmp.resolve("id_" + System.nanoTime());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, privateKey);
        Process p = new ProcessBuilder("ssh-keygen", "-y", "-f", file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.exitValue()).as("ssh-keygen -y said: %s", out).isZero();
        return out;
    }

    private static String typeAndKey(String authorizedKeysLine) {
        String[] parts = authorizedKeysLine.split(" ");
        return parts[0] + " " + parts[1];
    }

    @Test
    void ssh_keygen_derives_the_same_public_key_from_an_ed25519_private_key() throws Exception {
        OpenSshKeys.Pair pair = OpenSshKeys.ed25519(new SecureRandom(), "web@shop");

        String derived = publicKeyBySshKeygen(pair.privateKey());

        assertThat(pair.privateKey()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        assertThat(pair.authorizedKey()).startsWith("ssh-ed25519 ").endsWith(" web@shop");
        assertThat(typeAndKey(derived)).isEqualTo(typeAndKey(pair.authorizedKey()));
    }

    @Test
    void ssh_keygen_derives_the_same_public_key_from_an_rsa_private_key() throws Exception {
        OpenSshKeys.Pair pair = OpenSshKeys.rsa(new SecureRandom(), 2048, "");

        String derived = publicKeyBySshKeygen(pair.privateKey());

        assertThat(pair.authorizedKey()).startsWith("ssh-rsa ").doesNotContain("  ");
        assertThat(typeAndKey(derived)).isEqualTo(typeAndKey(pair.authorizedKey()));
    }

    @Test
    void ssh_keygen_reads_the_comment_from_the_private_key() throws Exception {
        OpenSshKeys.Pair pair = OpenSshKeys.ed25519(new SecureRandom(), "deploy key");

        assertThat(publicKeyBySshKeygen(pair.privateKey())).endsWith("deploy key");
        assertThat(pair.toString()).doesNotContain(pair.privateKey().substring(40, 80));
    }
}
