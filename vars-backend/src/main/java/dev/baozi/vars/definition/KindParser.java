package dev.baozi.vars.definition;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/** Turns a kind's name and {@code params} into a {@link Kind}, recording every bad parameter. */
final class KindParser {

    static final List<String> KINDS = List.of("password", "hex-token", "base64-token", "ed25519", "rsa", "wireguard",
            "self-signed-certificate", "ca", "ca-signed-certificate", "pki-certificate", "script", "prompt");

    static final String DEFAULT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern MOUNT = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_.-]+");

    private KindParser() {}

    /** The kind, or null when {@code id} names none (a problem is recorded then too). */
    static Kind parse(String id, Params p) {
        Kind kind = switch (id) {
            case "password" -> password(p);
            case "hex-token" -> new Kind.HexToken(p.integer("bytes", 32, 8, 1024));
            case "base64-token" -> new Kind.Base64Token(p.integer("bytes", 32, 8, 1024));
            case "ed25519" -> new Kind.Ed25519KeyPair(p.text("comment", ""));
            case "rsa" -> rsa(p);
            case "wireguard" -> new Kind.WireGuardKeyPair();
            case "self-signed-certificate" -> new Kind.SelfSignedCertificate(certificate(p, 365));
            case "ca" -> new Kind.CertificateAuthority(subject(p), p.integer("validity_days", 3650, 1, 36500),
                    p.keyType("key_type", KeyType.EC_P256));
            case "ca-signed-certificate" -> caSigned(p);
            case "pki-certificate" -> pki(p);
            case "script" -> script(p);
            case "prompt" -> new Kind.Prompted();
            default -> {
                p.problem("unknown kind \"" + id + "\" (known: " + String.join(", ", KINDS) + ")");
                yield null;
            }
        };
        if (kind != null) {
            p.rejectUnknown();
        }
        return kind;
    }

    private static Kind password(Params p) {
        int length = p.integer("length", 32, 8, 1024);
        String alphabet = p.text("alphabet", DEFAULT_ALPHABET);
        Set<Integer> seen = new HashSet<>();
        boolean ok = true;
        for (int cp : alphabet.codePoints().toArray()) {
            if (cp < 0x21 || cp > 0x7e) {
                p.problem("params.alphabet may only hold printable ASCII characters other than space");
                ok = false;
                break;
            }
            if (!seen.add(cp)) {
                p.problem("params.alphabet holds '" + Character.toString(cp) + "' twice, which would make it likelier");
                ok = false;
                break;
            }
        }
        if (ok && seen.size() < 2) {
            p.problem("params.alphabet must hold at least 2 characters");
        }
        return new Kind.RandomPassword(length, alphabet);
    }

    private static Kind rsa(Params p) {
        int bits = p.integer("bits", 3072, 2048, 8192);
        if (bits % 1024 != 0) {
            p.problem("params.bits is " + bits + "; it must be a multiple of 1024");
        }
        return new Kind.RsaKeyPair(bits, p.text("comment", ""));
    }

    private static CertificateSpec certificate(Params p, int defaultDays) {
        String subject = subject(p);
        List<String> sans = p.texts("sans");
        for (String san : sans) {
            if (!isIpAddress(san) && !DNS_NAME.matcher(san).matches()) {
                p.problem("params.sans holds \"" + san + "\", which is neither a DNS name nor an IP address");
            }
        }
        return new CertificateSpec(subject, sans, p.integer("validity_days", defaultDays, 1, 3650),
                p.keyType("key_type", KeyType.EC_P256));
    }

    private static String subject(Params p) {
        String subject = p.text("subject", null);
        if (subject.isEmpty()) {
            return subject;
        }
        try {
            new X500Principal(subject.contains("=") ? subject : "CN=" + subject);
        } catch (IllegalArgumentException e) {
            p.problem("params.subject \"" + subject + "\" is not an X.500 name such as CN=web,O=Shop");
        }
        return subject;
    }

    private static Kind caSigned(Params p) {
        String ca = p.text("ca", null);
        GeneratorName caName = null;
        if (GeneratorName.isValid(ca)) {
            caName = GeneratorName.of(ca);
        } else if (!ca.isEmpty()) {
            p.problem("params.ca \"" + ca + "\" is not a generator name");
        }
        CertificateSpec cert = certificate(p, 365);
        return caName == null ? null : new Kind.CaSignedCertificate(caName, cert);
    }

    private static Kind pki(Params p) {
        String mount = p.text("mount", "pki");
        if (!MOUNT.matcher(mount).matches()) {
            p.problem("params.mount \"" + mount + "\" is not a mount path");
        }
        String role = p.text("role", null);
        if (!role.isEmpty() && !ROLE.matcher(role).matches()) {
            p.problem("params.role \"" + role + "\" is not a PKI role name");
        }
        String cn = p.text("common_name", null);
        List<String> alt = p.texts("alt_names");
        List<String> ips = p.texts("ip_sans");
        for (String ip : ips) {
            if (!isIpAddress(ip)) {
                p.problem("params.ip_sans holds \"" + ip + "\", which is not an IP address");
            }
        }
        Duration ttl = p.duration("ttl", Duration.ZERO, Duration.ZERO, Duration.ofDays(3650));
        return new Kind.PkiCertificate(mount, role, cn, alt, ips, ttl.isZero() ? "" : ttl.toSeconds() + "s");
    }

    private static Kind script(Params p) {
        String script = p.text("script", null);
        if (!script.isEmpty() && script.isBlank()) {
            p.problem("params.script is blank");
        }
        Duration timeout = p.duration("timeout", Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofHours(1));
        return new Kind.Script(script, timeout);
    }

    static boolean isIpAddress(String text) {
        if (IPV4.matcher(text).matches()) {
            return true;
        }
        if (!IPV6.matcher(text).matches()) {
            return false;
        }
        try {
            // Only hex digits, colons and dots reach here, so this parses a literal and never asks DNS.
            java.net.InetAddress.getByName(text);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
