package dev.baozi.orchestrator.netbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A typed client of NetBox's REST API for what Baozi needs of it: prefixes and IP ranges, the
 * addresses in them, tags, and allocating from a pool ({@code available-ips}, which NetBox runs
 * under a database lock, so concurrent allocations never hand out one address twice). A v2 token
 * ({@code nbt_…}) is sent as {@code Authorization: Bearer}, a v1 token as {@code Authorization: Token}.
 * Lists follow NetBox's pagination to the end. Failures are {@link NetBoxException}s.
 */
public final class NetBoxClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final OkHttpClient SHARED = new OkHttpClient.Builder().followRedirects(false).build();

    private final HttpUrl base;
    private final String authorization;
    private final OkHttpClient http;
    /**
     * For POSTs: no silent retry on a broken connection, since a POST replayed after a lost answer
     * could allocate a second address; lost answers are handled where it matters
     * ({@link AddressReservations} looks for the address by its tag). Reads may be retried (gunicorn
     * closes idle keep-alive connections).
     */
    private final OkHttpClient once;

    private NetBoxClient(HttpUrl base, String authorization, OkHttpClient http) {
        this.base = base;
        this.authorization = authorization;
        this.http = http;
        // and a fresh connection each time, so a POST never meets a keep-alive connection the server already closed
        this.once = http.newBuilder().retryOnConnectionFailure(false).connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                .build();
    }

    public static NetBoxClient connect(URI url, String token, Duration timeout) {
        if (url == null || url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("NetBox's URL is an http(s) URL with a host, like https://netbox.example, got " + url);
        }
        OkHttpClient http = SHARED.newBuilder().connectTimeout(Math.min(timeout.toMillis(), 10_000), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).writeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        HttpUrl base = HttpUrl.get(url.toString().endsWith("/") ? url.toString() : url + "/");
        return new NetBoxClient(base, authorization(token), http);
    }

    /** The Authorization header value for a token: v2 tokens start with {@code nbt_}. */
    static String authorization(String token) {
        return (token.startsWith("nbt_") ? "Bearer " : "Token ") + token;
    }

    /** The NetBox version ({@code GET /api/status/}). */
    public String version() {
        return call("GET", "api/status/", null, "reading NetBox's status").path("netbox-version").asText();
    }

    // ---- pools ----

    /** A prefix as NetBox keeps it. */
    public record PrefixInfo(long id, String prefix, String status, boolean isPool, String description) {}

    /** An IP range as NetBox keeps it (start and end with their masks). */
    public record RangeInfo(long id, String start, String end, int size, String status, String description) {}

    public Optional<PrefixInfo> prefix(String cidr) {
        return list("api/ipam/prefixes/", Map.of("prefix", cidr), "looking up prefix " + cidr).stream().findFirst().map(NetBoxClient::prefixOf);
    }

    public List<PrefixInfo> prefixes() {
        return list("api/ipam/prefixes/", Map.of(), "listing prefixes").stream().map(NetBoxClient::prefixOf).toList();
    }

    public List<RangeInfo> ranges() {
        return list("api/ipam/ip-ranges/", Map.of(), "listing IP ranges").stream().map(NetBoxClient::rangeOf).toList();
    }

    /** The range whose first and last addresses are {@code start} and {@code end} (without masks). */
    public Optional<RangeInfo> range(String start, String end) {
        return ranges().stream().filter(r -> host(r.start()).equalsIgnoreCase(start) && host(r.end()).equalsIgnoreCase(end)).findFirst();
    }

    private static PrefixInfo prefixOf(JsonNode p) {
        return new PrefixInfo(p.path("id").asLong(), p.path("prefix").asText(), p.path("status").path("value").asText(),
                p.path("is_pool").asBoolean(false), p.path("description").asText(""));
    }

    private static RangeInfo rangeOf(JsonNode r) {
        return new RangeInfo(r.path("id").asLong(), r.path("start_address").asText(), r.path("end_address").asText(),
                r.path("size").asInt(), r.path("status").path("value").asText(), r.path("description").asText(""));
    }

    // ---- addresses ----

    /** Every address inside the CIDR {@code parent}. */
    public List<IpAddress> addressesIn(String parent) {
        return list("api/ipam/ip-addresses/", Map.of("parent", parent), "listing the addresses in " + parent).stream()
                .map(NetBoxClient::addressOf).toList();
    }

    /** Every address carrying the tag {@code slug}; none when NetBox has no such tag. */
    public List<IpAddress> addressesTagged(String slug) {
        try {
            return list("api/ipam/ip-addresses/", Map.of("tag", slug), "listing the addresses tagged " + slug).stream()
                    .map(NetBoxClient::addressOf).toList();
        } catch (NetBoxException e) {
            if (e.status() == 400) { // NetBox refuses a filter on a tag it does not know
                return List.of();
            }
            throw e;
        }
    }

    public Optional<IpAddress> address(long id) {
        try {
            return Optional.of(addressOf(call("GET", "api/ipam/ip-addresses/" + id + "/", null, "reading address " + id)));
        } catch (NetBoxException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Deletes address {@code id}; false when it was already gone. */
    public boolean delete(long id) {
        try {
            call("DELETE", "api/ipam/ip-addresses/" + id + "/", null, "deleting address " + id);
            return true;
        } catch (NetBoxException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** What to write on an allocated address. */
    public record NewAddress(String status, String dnsName, String description, List<String> tags) {}

    /**
     * Allocates the lowest free address of {@code pool} ({@code POST …/available-ips/}). A pool
     * with nothing free is a {@link NetBoxException} with status 409.
     */
    public IpAddress allocate(long poolId, boolean range, NewAddress request) {
        ObjectNode body = JSON.createObjectNode().put("status", request.status()).put("description", request.description());
        if (request.dnsName() != null) {
            body.put("dns_name", request.dnsName());
        }
        request.tags().forEach(t -> body.withArray("tags").addObject().put("slug", t));
        String path = (range ? "api/ipam/ip-ranges/" : "api/ipam/prefixes/") + poolId + "/available-ips/";
        return addressOf(call("POST", path, body, "allocating an address from " + (range ? "IP range " : "prefix ") + poolId));
    }

    /** Creates the tag {@code slug} unless NetBox has it. */
    public void ensureTag(String slug, String description) {
        if (!list("api/extras/tags/", Map.of("slug", slug), "looking up tag " + slug).isEmpty()) {
            return;
        }
        try {
            call("POST", "api/extras/tags/", JSON.createObjectNode().put("name", slug).put("slug", slug).put("color", "4caf50")
                    .put("description", description), "creating tag " + slug);
        } catch (NetBoxException e) {
            // another request made it meanwhile (NetBox answers 400, or 500 when the race reaches its database):
            // fine, as long as it is there now
            if (e.status() != 400 && e.status() != 500 || list("api/extras/tags/", Map.of("slug", slug), "looking up tag " + slug).isEmpty()) {
                throw e;
            }
        }
    }

    private static IpAddress addressOf(JsonNode a) {
        List<String> tags = new ArrayList<>();
        a.path("tags").forEach(t -> tags.add(t.path("slug").asText()));
        return new IpAddress(a.path("id").asLong(), a.path("address").asText(), a.path("status").path("value").asText(),
                a.path("dns_name").asText(""), a.path("description").asText(""), tags);
    }

    static String host(String address) {
        int slash = address.indexOf('/');
        return slash < 0 ? address : address.substring(0, slash);
    }

    // ---- HTTP ----

    /** Every result of a list endpoint, following {@code next} to the last page. */
    private List<JsonNode> list(String path, Map<String, String> query, String what) {
        HttpUrl.Builder b = base.newBuilder().addEncodedPathSegments(path.endsWith("/") ? path.substring(0, path.length() - 1) : path)
                .addPathSegment("").addQueryParameter("limit", "200");
        query.forEach(b::addQueryParameter);
        HttpUrl url = b.build();
        List<JsonNode> all = new ArrayList<>();
        for (int pages = 0; url != null; pages++) {
            if (pages > 1000) {
                throw new NetBoxException(what + ": NetBox's pagination did not end after 1000 pages", 0, null);
            }
            JsonNode page = send(new Request.Builder().url(url).get(), what);
            page.path("results").forEach(all::add);
            String next = page.path("next").asText(null);
            url = next == null ? null : HttpUrl.parse(next);
            if (url != null && !url.host().equals(base.host())) {
                // NetBox builds next from the Host it was asked by; keep to the address we were given
                url = base.newBuilder().encodedPath(url.encodedPath()).encodedQuery(url.encodedQuery()).build();
            }
        }
        return all;
    }

    private JsonNode call(String method, String path, JsonNode body, String what) {
        HttpUrl url = base.newBuilder().addEncodedPathSegments(path.endsWith("/") ? path.substring(0, path.length() - 1) : path)
                .addPathSegment("").build();
        RequestBody requestBody = body == null ? (method.equals("GET") || method.equals("DELETE") ? null : RequestBody.create(new byte[0]))
                : RequestBody.create(body.toString(), JSON_TYPE);
        return send(new Request.Builder().url(url).method(method, requestBody), what);
    }

    private JsonNode send(Request.Builder request, String what) {
        Request r = request.header("Authorization", authorization).header("Accept", "application/json").build();
        try (Response response = (r.method().equals("POST") ? once : http).newCall(r).execute()) {
            String text = response.body() == null ? "" : response.body().string();
            if (response.code() / 100 != 2) {
                throw new NetBoxException(what + ": NetBox at " + origin() + " answered HTTP " + response.code() + detail(text),
                        response.code(), null);
            }
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new NetBoxException(what + ": NetBox at " + origin() + " did not answer (" + e.getMessage() + ")", 0, e);
        }
    }

    private static String detail(String text) {
        try {
            JsonNode body = JSON.readTree(text);
            if (body != null && body.has("detail")) {
                return ": " + body.path("detail").asText();
            }
            return text.isBlank() ? "" : ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
        } catch (IOException e) {
            return text.isBlank() ? "" : ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
        }
    }

    private String origin() {
        return base.scheme() + "://" + base.host() + ":" + base.port();
    }
}
