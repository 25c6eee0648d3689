package dev.baozi.orchestrator.proxmox;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * How the client checks the certificate of a Proxmox VE host. Verification is on unless
 * {@link Insecure} is chosen explicitly.
 */
public sealed interface TlsSettings {

    /** The JDK's trusted CAs and the usual hostname check (a PVE host with a public certificate). */
    record SystemTrust() implements TlsSettings {}

    /**
     * Only certificates issued by the CA(s) in {@code pem} (PEM text, one or more
     * {@code CERTIFICATE} blocks), with the usual hostname check.
     */
    record CaCertificate(String pem) implements TlsSettings {
        public CaCertificate {
            certificates(pem); // refuses anything that is not PEM certificates
        }

        /** The certificates in the PEM text. */
        public List<X509Certificate> certificates() {
            return certificates(pem);
        }

        private static List<X509Certificate> certificates(String pem) {
            if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalArgumentException("a CA certificate must be PEM text with a -----BEGIN CERTIFICATE----- block");
            }
            try {
                var factory = CertificateFactory.getInstance("X.509");
                var certificates = new ArrayList<X509Certificate>();
                for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)))) {
                    certificates.add((X509Certificate) c);
                }
                if (certificates.isEmpty()) {
                    throw new IllegalArgumentException("the CA PEM text holds no certificate");
                }
                return List.copyOf(certificates);
            } catch (CertificateException e) {
                throw new IllegalArgumentException("the CA PEM text is not a readable X.509 certificate (" + e.getMessage() + ")");
            }
        }
    }

    /**
     * Exactly the host certificate whose SHA-256 fingerprint (of its DER encoding, as PVE shows
     * it: {@code AA:BB:…}) is {@code sha256}, whoever issued it; the fingerprint stands in for the
     * hostname check. Normalised to upper-case hex pairs joined by colons.
     */
    record PinnedFingerprint(String sha256) implements TlsSettings {
        public PinnedFingerprint {
            sha256 = normalise(sha256);
        }

        /** The 32 bytes of the fingerprint. */
        public byte[] bytes() {
            return HexFormat.of().parseHex(sha256.replace(":", ""));
        }
    }

    /** No verification at all: any certificate, any host name. Only when asked for explicitly. */
    record Insecure() implements TlsSettings {}

    /** One word for the setting: {@code system}, {@code ca}, {@code fingerprint} or {@code insecure}. */
    default String mode() {
        return switch (this) {
            case SystemTrust s -> "system";
            case CaCertificate c -> "ca";
            case PinnedFingerprint p -> "fingerprint";
            case Insecure i -> "insecure";
        };
    }

    /** A few words on what is trusted, for messages. */
    default String describe() {
        return switch (this) {
            case SystemTrust s -> "the JDK's trusted CAs";
            case CaCertificate c -> "the CA " + c.certificates().getFirst().getSubjectX500Principal().getName();
            case PinnedFingerprint p -> "the certificate with SHA-256 fingerprint " + p.sha256();
            case Insecure i -> "any certificate (verification off)";
        };
    }

    /**
     * A SHA-256 fingerprint in the form PVE shows ({@code AA:BB:…}); plain hex, lower case,
     * spaces or dashes between the pairs, and a leading {@code SHA256:} or {@code sha256 Fingerprint=}
     * (openssl's output) are accepted too.
     */
    static PinnedFingerprint fingerprint(String text) {
        return new PinnedFingerprint(text);
    }

    private static String normalise(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a fingerprint is needed: the SHA-256 of the host's certificate, like AA:BB:…");
        }
        String s = text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        for (String prefix : List.of("sha256 fingerprint=", "sha256:", "sha-256:")) {
            if (lower.startsWith(prefix)) {
                s = s.substring(prefix.length()).strip();
                break;
            }
        }
        String hex = s.replaceAll("[:\\s-]", "");
        for (char ch : hex.toCharArray()) {
            if (Character.digit(ch, 16) < 0) {
                throw new IllegalArgumentException("a SHA-256 fingerprint is hex pairs like AA:BB:…, but it contains '" + ch + "'");
            }
        }
        if (hex.length() != 64) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 32 bytes (64 hex digits), got "
                    + (hex.length() % 2 == 0 ? hex.length() / 2 + " bytes" : hex.length() + " hex digits"));
        }
        String upper = hex.toUpperCase(Locale.ROOT);
        var pairs = new StringBuilder(95);
        for (int i = 0; i < 64; i += 2) {
            if (i > 0) {
                pairs.append(':');
            }
            pairs.append(upper, i, i + 2);
        }
        return pairs.toString();
    }
}
