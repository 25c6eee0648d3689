package dev.baozi.vars.store;

/** A manifest as stored: its content and the KV version it is. */
public record CommittedManifest(Manifest manifest, long version) {

    public String digest() {
        return manifest.digest();
    }
}
