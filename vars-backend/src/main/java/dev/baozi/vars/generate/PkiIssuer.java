package dev.baozi.vars.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.vars.definition.Kind;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.openbao.OpenBaoRefusedException;
import dev.baozi.openbao.OpenBaoResponse;
import java.util.Map;

/** Certificates from an OpenBao PKI mount: {@code POST <mount>/issue/<role>}, the key coming back once. */
final class PkiIssuer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenBaoApi api;

    PkiIssuer(OpenBaoApi api) {
        this.api = api;
    }

    Map<String, FileValue> issue(String generator, Kind.PkiCertificate pki) {
        ObjectNode body = JSON.createObjectNode()
                .put("common_name", pki.commonName())
                .put("format", "pem")
                .put("private_key_format", "pkcs8");
        if (!pki.altNames().isEmpty()) {
            body.put("alt_names", String.join(",", pki.altNames()));
        }
        if (!pki.ipSans().isEmpty()) {
            body.put("ip_sans", String.join(",", pki.ipSans()));
        }
        if (!pki.ttl().isEmpty()) {
            body.put("ttl", pki.ttl());
        }
        String path = pki.mount() + "/issue/" + pki.role();
        OpenBaoResponse r;
        try {
            r = api.send("POST", path, body).requireOk("generating " + generator + ": issuing a certificate from " + path);
        } catch (OpenBaoRefusedException e) {
            throw new GenerationException(e.getMessage(), e);
        }
        JsonNode d = r.data();
        return Map.of(
                "key.pem", FileValue.of(withNewline(d.path("private_key").asText())),
                "cert.pem", FileValue.of(withNewline(d.path("certificate").asText())),
                "ca.pem", FileValue.of(withNewline(d.path("issuing_ca").asText())));
    }

    private static String withNewline(String pem) {
        return pem.endsWith("\n") ? pem : pem + "\n";
    }
}
