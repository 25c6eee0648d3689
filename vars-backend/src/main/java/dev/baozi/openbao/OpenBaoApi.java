package dev.baozi.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One request to OpenBao's {@code /v1/<path>} with an optional JSON body and extra headers (e.g.
 * {@code X-Vault-Wrap-TTL}); the token is the implementation's business. Implementations throw
 * {@link OpenBaoUnavailableException} when nothing answered; every answer, refusals included,
 * comes back as an {@link OpenBaoResponse}. {@link OpenBaoClient} is the one implementation.
 */
@FunctionalInterface
public interface OpenBaoApi {

    OpenBaoResponse send(String method, String path, JsonNode body, Map<String, String> headers);

    default OpenBaoResponse send(String method, String path, JsonNode body) {
        return send(method, path, body, Map.of());
    }
}
