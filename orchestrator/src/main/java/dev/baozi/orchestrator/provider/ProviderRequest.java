package dev.baozi.orchestrator.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the body of {@code POST /api/v1/providers}: every problem is reported, each naming its
 * field, and none quotes the token secret.
 */
public final class ProviderRequest {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");
    /** PVE's node names: a DNS label. */
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    /** PVE's storage id ({@code pve-storage-id}). */
    private static final Pattern STORAGE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,99}");
    private static final Set<String> FIELDS = Set.of("name", "endpoint", "token_id", "token_secret", "tls", "default_node",
            "template_vmid", "backup_storage", "check");
    private static final Set<String> TLS_FIELDS = Set.of("ca_pem", "fingerprint", "insecure");
    static final String NAME_RULE = "provider names are 1 to 40 characters of a-z, 0-9 and '-'";

    private ProviderRequest() {}

    /** What a body came to: a provider to create (and whether to check it against Proxmox first), or every problem. */
    public sealed interface Parsed {
        record Valid(NewProvider provider, boolean check) implements Parsed {}

        record Invalid(List<String> problems) implements Parsed {}
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static Parsed parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            return new Parsed.Invalid(List.of("the body must be a JSON object with name, endpoint, token_id, token_secret,"
                    + " default_node and optionally tls, template_vmid, backup_storage and check"));
        }
        List<String> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                problems.add(f + ": not a provider setting (they are: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        });
        String name = text(body, "name", problems);
        if (name != null && !isValidName(name)) {
            problems.add("name: " + NAME_RULE + ", got '" + clip(name) + "'");
        }
        URI endpoint = endpoint(text(body, "endpoint", problems), problems);
        String tokenId = text(body, "token_id", problems);
        if (tokenId != null && !ApiToken.isValidId(tokenId)) {
            problems.add("token_id: " + ApiToken.idProblem(tokenId));
        }
        String secret = text(body, "token_secret", problems);
        if (secret != null && !ApiToken.isValidSecret(secret)) {
            problems.add("token_secret: " + ApiToken.SECRET_PROBLEM);
        }
        TlsSettings tls = tls(body.get("tls"), problems);
        String node = text(body, "default_node", problems);
        if (node != null && !NODE.matcher(node).matches()) {
            problems.add("default_node: a node name is 1 to 63 letters, digits and '-', got '" + clip(node) + "'");
        }
        OptionalInt template = templateVmid(body.get("template_vmid"), problems);
        String backupStorage = Provider.DEFAULT_BACKUP_STORAGE;
        JsonNode b = body.get("backup_storage");
        if (b != null && !b.isNull()) {
            if (!b.isTextual() || !STORAGE.matcher(b.asText()).matches()) {
                problems.add("backup_storage: a storage id is a letter, then up to 99 letters, digits, '-', '_' and '.', got '"
                        + clip(b.toString()) + "'");
            } else {
                backupStorage = b.asText();
            }
        }
        boolean check = true;
        JsonNode c = body.get("check");
        if (c != null && !c.isNull()) {
            if (!c.isBoolean()) {
                problems.add("check: must be true or false");
            } else {
                check = c.asBoolean();
            }
        }
        if (!problems.isEmpty()) {
            return new Parsed.Invalid(problems);
        }
        return new Parsed.Valid(new NewProvider(name, endpoint, new ApiToken(tokenId, secret), tls, node, template, backupStorage), check);
    }

    /** A required string field, or null with a problem. */
    private static String text(JsonNode body, String field, List<String> problems) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            problems.add(field + ": missing");
            return null;
        }
        if (!v.isTextual()) {
            problems.add(field + ": must be a string");
            return null;
        }
        return v.asText().strip();
    }

    /**
     * The endpoint as {@code https://host[:port]}: https only, with a host, and no path but
     * {@code /api2/json} (dropped), no user, query or fragment.
     */
    static URI endpoint(String raw, List<String> problems) {
        if (raw == null) {
            return null;
        }
        String rule = "endpoint: must be the https:// URL of the Proxmox API, like https://pve.example:8006, got '" + clip(raw) + "'";
        try {
            URI uri = new URI(raw);
            String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || !(path.isEmpty() || path.equals("/api2/json"))) {
                problems.add(rule);
                return null;
            }
            return new URI("https", null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            problems.add(rule);
            return null;
        }
    }

    /** {@code tls}: absent or empty is the JDK's CAs; else exactly one of ca_pem, fingerprint, insecure: true. */
    static TlsSettings tls(JsonNode tls, List<String> problems) {
        if (tls == null || tls.isNull()) {
            return new TlsSettings.SystemTrust();
        }
        if (!tls.isObject()) {
            problems.add("tls: must be an object with one of ca_pem, fingerprint or insecure");
            return null;
        }
        tls.fieldNames().forEachRemaining(f -> {
            if (!TLS_FIELDS.contains(f)) {
                problems.add("tls." + f + ": not a TLS setting (they are: ca_pem, fingerprint, insecure)");
            }
        });
        List<TlsSettings> chosen = new ArrayList<>();
        JsonNode pem = tls.get("ca_pem");
        if (pem != null && !pem.isNull()) {
            try {
                if (!pem.isTextual()) {
                    throw new IllegalArgumentException("must be a string of PEM text");
                }
                chosen.add(new TlsSettings.CaCertificate(pem.asText()));
            } catch (IllegalArgumentException e) {
                problems.add("tls.ca_pem: " + e.getMessage());
            }
        }
        JsonNode fingerprint = tls.get("fingerprint");
        if (fingerprint != null && !fingerprint.isNull()) {
            try {
                if (!fingerprint.isTextual()) {
                    throw new IllegalArgumentException("must be a string like AA:BB:…");
                }
                chosen.add(TlsSettings.fingerprint(fingerprint.asText()));
            } catch (IllegalArgumentException e) {
                problems.add("tls.fingerprint: " + e.getMessage());
            }
        }
        JsonNode insecure = tls.get("insecure");
        if (insecure != null && !insecure.isNull()) {
            if (!insecure.isBoolean()) {
                problems.add("tls.insecure: must be true or false");
            } else if (insecure.asBoolean()) {
                chosen.add(new TlsSettings.Insecure());
            }
        }
        long given = TLS_FIELDS.stream().filter(f -> tls.hasNonNull(f) && !(f.equals("insecure") && tls.get(f).isBoolean()
                && !tls.get(f).asBoolean())).count();
        if (given > 1) {
            problems.add("tls: give only one of ca_pem, fingerprint or insecure: true");
            return null;
        }
        return chosen.isEmpty() ? new TlsSettings.SystemTrust() : chosen.getFirst();
    }

    private static OptionalInt templateVmid(JsonNode v, List<String> problems) {
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 100 || v.asInt() > 999_999_999) {
            problems.add("template_vmid: must be a PVE VM id, a whole number from 100 to 999999999, got " + clip(v.toString()));
            return OptionalInt.empty();
        }
        return OptionalInt.of(v.asInt());
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
