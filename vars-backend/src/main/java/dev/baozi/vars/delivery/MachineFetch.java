package dev.baozi.vars.delivery;

import dev.baozi.vars.generate.FileValue;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.openbao.OpenBaoClient;
import dev.baozi.openbao.OpenBaoConnection;
import dev.baozi.openbao.OpenBaoResponse;
import dev.baozi.vars.store.OpenBaoVarsStore;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The machine's half of delivery, as a first-boot script would do it with curl:
 *
 * <pre>
 * # 1. unwrap (works once, and only within the wrap TTL)
 * curl -s -X POST -H "X-Vault-Token: $WRAP" $BAO/v1/sys/wrapping/unwrap     → .auth.client_token
 * # 2. read each planned file at its version (one use of the token each)
 * curl -s -H "X-Vault-Token: $TOKEN" "$BAO/v1/&lt;mount&gt;/data/&lt;path&gt;?version=&lt;v&gt;"  → .data.data.value
 * </pre>
 */
public final class MachineFetch {

    private final Function<String, OpenBaoApi> withToken;

    /** {@code withToken}: the OpenBao API sending a given token. */
    public MachineFetch(Function<String, OpenBaoApi> withToken) {
        this.withToken = withToken;
    }

    public static MachineFetch over(URI address, Duration timeout) {
        var client = new OpenBaoClient(OpenBaoConnection.of(address, timeout), () -> null);
        return new MachineFetch(client::withToken);
    }

    /** The token inside a wrapping token, with how long it lives and how many uses it has. */
    public record Unwrapped(String token, Duration ttl, int numUses) {
        @Override
        public String toString() {
            return "Unwrapped[ttl=" + ttl + ", numUses=" + numUses + ", token=(hidden)]";
        }
    }

    /** Unwraps (once: a second call, or one after the wrap TTL, is refused by OpenBao). */
    public Unwrapped unwrap(String wrappingToken) {
        OpenBaoResponse r = withToken.apply(wrappingToken).send("POST", "sys/wrapping/unwrap", null)
                .requireOk("unwrapping the delivery token");
        var auth = r.body().path("auth");
        return new Unwrapped(auth.path("client_token").asText(), Duration.ofSeconds(auth.path("lease_duration").asLong()),
                auth.path("num_uses").asInt());
    }

    /** Reads every planned file with an unwrapped token; keys are {@code <generator>/<file>}. */
    public Map<String, FileValue> read(String token, DeliveryPlan plan) {
        OpenBaoApi api = withToken.apply(token);
        Map<String, FileValue> out = new LinkedHashMap<>();
        for (DeliveredFile f : plan.files()) {
            OpenBaoResponse r = api.send("GET", plan.mount() + "/data/" + f.path() + "?version=" + f.version(), null)
                    .requireOk("reading " + f.generator() + "/" + f.file() + " for delivery");
            out.put(f.generator() + "/" + f.file(), OpenBaoVarsStore.decode(f.path(), r.data().path("data")));
        }
        return out;
    }

    /** Unwraps, then reads the plan. */
    public Map<String, FileValue> fetch(String wrappingToken, DeliveryPlan plan) {
        return read(unwrap(wrappingToken).token(), plan);
    }
}
