package dev.baozi.orchestrator.state;

/**
 * A state as a client sent it, with what Baozi reads from it (serial, lineage) and its digests,
 * each worked out once per request: the Content-MD5 check, the retry check (sha256) and the
 * stored version record all use these.
 */
public record StateBody(byte[] content, StateFacts facts, String sha256, String md5) {

    public static StateBody of(byte[] content) {
        return new StateBody(content, StateFacts.of(content), OpenBaoStateStore.sha256(content), OpenBaoStateStore.md5(content));
    }

    /** With {@code facts} as the caller has them already. */
    public static StateBody of(byte[] content, StateFacts facts) {
        return new StateBody(content, facts, OpenBaoStateStore.sha256(content), OpenBaoStateStore.md5(content));
    }
}
