package dev.baozi.orchestrator.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.vars.openbao.HttpOpenBaoApi;
import dev.baozi.vars.openbao.OpenBaoApi;
import dev.baozi.vars.openbao.OpenBaoResponse;
import dev.baozi.vars.openbao.OpenBaoUnreachableException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * OpenBao's HTTP API with the session's token, for what the Java driver does not cover (KV v2
 * check-and-set, transit data keys). The requests go through the vars backend's
 * {@link HttpOpenBaoApi}, which {@link #api()} also hands to the vars backend. Unreachable,
 * sealed or 5xx → {@link OpenBaoUnavailableException}; other refusals → {@link OpenBaoRequestException}.
 */
public final class OpenBaoHttp {

    private final URI address;
    private final HttpOpenBaoApi api;

    public OpenBaoHttp(URI address, Supplier<String> token, Duration timeout) {
        this.address = address;
        this.api = new HttpOpenBaoApi(address, token, timeout);
    }

    public static OpenBaoHttp forSession(OpenBaoSession session) {
        return new OpenBaoHttp(session.settings().address(), session::token, session.settings().timeout());
    }

    public URI address() {
        return address;
    }

    /** An answer from OpenBao: status and JSON body (empty object when there was none). */
    public record Response(int status, JsonNode body) {
        public String errors() {
            return body.path("errors").toString();
        }

        public Response requireOk(String what) {
            if (status >= 200 && status < 300) {
                return this;
            }
            if (status >= 500 || status == 429) {
                throw new OpenBaoUnavailableException(what + ": OpenBao answered HTTP " + status + " " + errors());
            }
            throw new OpenBaoRequestException(what + ": OpenBao answered HTTP " + status + " " + errors(), status);
        }
    }

    /** Sends {@code method} to {@code /v1/<path>}. */
    public Response send(String method, String path, JsonNode body) {
        try {
            OpenBaoResponse r = api.send(method, path, body, Map.of());
            return new Response(r.status(), r.body());
        } catch (OpenBaoUnreachableException e) {
            throw new OpenBaoUnavailableException(e.getMessage(), e);
        }
    }

    /** The same client as the vars backend's port ({@code X-Vault-Token} from the session, each call). */
    public OpenBaoApi api() {
        return api;
    }
}
