package dev.baozi.vars.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * OpenBao's HTTP API as the vars backend needs it: one request to {@code /v1/<path>} with an
 * optional JSON body and extra headers (e.g. {@code X-Vault-Wrap-TTL}). The caller's token is the
 * implementation's business. Implementations throw {@link OpenBaoUnreachableException} when nothing
 * answered; every answer, refusals included, comes back as a {@link OpenBaoResponse}.
 */
@FunctionalInterface
public interface OpenBaoApi {

    OpenBaoResponse send(String method, String path, JsonNode body, Map<String, String> headers);

    default OpenBaoResponse send(String method, String path, JsonNode body) {
        return send(method, path, body, Map.of());
    }
}
