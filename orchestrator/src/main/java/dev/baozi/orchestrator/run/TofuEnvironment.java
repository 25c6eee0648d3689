package dev.baozi.orchestrator.run;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a tofu step starts from: only the variables named in {@link #INHERITED} are
 * taken from the orchestrator's own environment (so none of Baozi's settings, OpenBao's
 * address or token, or anything else the orchestrator was given reaches tofu or a provider);
 * the run then adds what it needs itself (the CLI configuration, the state token, a provider's
 * credentials, {@code HOME} set to the run's directory).
 */
final class TofuEnvironment {

    /** Locale, time zone, the search path, and the proxy settings a provider may need to reach its API. */
    static final List<String> INHERITED = List.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
            "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy");

    private TofuEnvironment() {}

    static Map<String, String> inherited(Map<String, String> orchestrator) {
        Map<String, String> env = new HashMap<>();
        for (String name : INHERITED) {
            String value = orchestrator.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }
}
