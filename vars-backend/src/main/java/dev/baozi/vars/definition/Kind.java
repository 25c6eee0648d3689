package dev.baozi.vars.definition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a generator makes its files. Each kind has a name used in definitions ({@link #id()}), its
 * parameters in canonical form (part of the validation hash) and, for built-in kinds, the files it
 * makes.
 */
public sealed interface Kind {

    String id();

    /** The files this kind always makes; empty for {@link Script} and {@link Prompted}, whose files are declared. */
    List<FileSpec> defaultFiles();

    /** Every parameter with its effective value (defaults included), keys sorted. */
    Map<String, Object> parameters();

    /** Random characters from an alphabet. */
    record RandomPassword(int length, String alphabet) implements Kind {
        public String id() { return "password"; }
        public List<FileSpec> defaultFiles() { return List.of(FileSpec.secret("password")); }
        public Map<String, Object> parameters() { return sorted("length", length, "alphabet", alphabet); }
    }

    /** Random bytes, written as lower-case hex. */
    record HexToken(int bytes) implements Kind {
        public String id() { return "hex-token"; }
        public List<FileSpec> defaultFiles() { return List.of(FileSpec.secret("token")); }
        public Map<String, Object> parameters() { return sorted("bytes", bytes); }
    }

    /** Random bytes, written as standard base64 with padding. */
    record Base64Token(int bytes) implements Kind {
        public String id() { return "base64-token"; }
        public List<FileSpec> defaultFiles() { return List.of(FileSpec.secret("token")); }
        public Map<String, Object> parameters() { return sorted("bytes", bytes); }
    }

    /** An Ed25519 SSH key pair: OpenSSH private key and an authorized_keys line. */
    record Ed25519KeyPair(String comment) implements Kind {
        public String id() { return "ed25519"; }
        public List<FileSpec> defaultFiles() { return List.of(FileSpec.secret("id_ed25519"), FileSpec.open("id_ed25519.pub")); }
        public Map<String, Object> parameters() { return sorted("comment", comment); }
    }

    /** An RSA SSH key pair: OpenSSH private key and an authorized_keys line. */
    record RsaKeyPair(int bits, String comment) implements Kind {
        public String id() { return "rsa"; }
        public List<FileSpec> defaultFiles() { return List.of(FileSpec.secret("id_rsa"), FileSpec.open("id_rsa.pub")); }
        public Map<String, Object> parameters() { return sorted("bits", bits, "comment", comment); }
    }

    /** A WireGuard (X25519) key pair in base64, as {@code wg genkey} and {@code wg pubkey} print them. */
    record WireGuardKeyPair() implements Kind {
        public String id() { return "wireguard"; }
        public List<FileSpec> defaultFiles() { return List.of(FileSpec.secret("private-key"), FileSpec.open("public-key")); }
        public Map<String, Object> parameters() { return sorted(); }
    }

    /** A self-signed TLS server certificate and its key (PEM). */
    record SelfSignedCertificate(CertificateSpec certificate) implements Kind {
        public String id() { return "self-signed-certificate"; }
        public List<FileSpec> defaultFiles() { return List.of(FileSpec.secret("key.pem"), FileSpec.open("cert.pem")); }
        public Map<String, Object> parameters() { return certificateParameters(certificate); }
    }

    /** A self-signed certificate authority (basicConstraints CA); its key is not delivered by default. */
    record CertificateAuthority(String subject, int validityDays, KeyType key) implements Kind {
        public String id() { return "ca"; }
        public List<FileSpec> defaultFiles() { return List.of(new FileSpec("key.pem", true, false), FileSpec.open("cert.pem")); }
        public Map<String, Object> parameters() {
            return sorted("subject", subject, "validity_days", validityDays, "key_type", key.id());
        }
    }

    /** A TLS server certificate signed by the {@code ca} generator this one depends on. */
    record CaSignedCertificate(GeneratorName ca, CertificateSpec certificate) implements Kind {
        public String id() { return "ca-signed-certificate"; }
        public List<FileSpec> defaultFiles() {
            return List.of(FileSpec.secret("key.pem"), FileSpec.open("cert.pem"), FileSpec.open("ca.pem"));
        }
        public Map<String, Object> parameters() {
            Map<String, Object> p = certificateParameters(certificate);
            p.put("ca", ca.value());
            return p;
        }
    }

    /** A certificate issued by an OpenBao PKI mount ({@code <mount>/issue/<role>}). */
    record PkiCertificate(String mount, String role, String commonName, List<String> altNames, List<String> ipSans,
                          String ttl) implements Kind {
        public PkiCertificate {
            altNames = List.copyOf(altNames);
            ipSans = List.copyOf(ipSans);
        }
        public String id() { return "pki-certificate"; }
        public List<FileSpec> defaultFiles() {
            return List.of(FileSpec.secret("key.pem"), FileSpec.open("cert.pem"), FileSpec.open("ca.pem"));
        }
        public Map<String, Object> parameters() {
            return sorted("mount", mount, "role", role, "common_name", commonName, "alt_names", altNames,
                    "ip_sans", ipSans, "ttl", ttl);
        }
    }

    /**
     * A program (run by {@code /bin/sh -eu}) that reads its inputs from {@code $in/<dependency>/<file>}
     * and {@code $prompts/<prompt>} and writes exactly the declared files into {@code $out}.
     */
    record Script(String script, Duration timeout) implements Kind {
        public String id() { return "script"; }
        public List<FileSpec> defaultFiles() { return List.of(); }
        public Map<String, Object> parameters() { return sorted("script", script, "timeout", timeout.toString()); }
    }

    /** Only values a person supplies: every file is a persisted prompt. */
    record Prompted() implements Kind {
        public String id() { return "prompt"; }
        public List<FileSpec> defaultFiles() { return List.of(); }
        public Map<String, Object> parameters() { return sorted(); }
    }

    private static Map<String, Object> certificateParameters(CertificateSpec c) {
        return sorted("subject", c.subject(), "sans", c.sans(), "validity_days", c.validityDays(), "key_type", c.key().id());
    }

    private static Map<String, Object> sorted(Object... keysAndValues) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
