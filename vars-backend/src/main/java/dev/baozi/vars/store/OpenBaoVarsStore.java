package dev.baozi.vars.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.vars.definition.FileSpec;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.generate.FileValue;
import dev.baozi.openbao.CasWrite;
import dev.baozi.openbao.KvEntry;
import dev.baozi.openbao.KvMetadata;
import dev.baozi.openbao.KvV2;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Generators' files in one OpenBao KV v2 mount (layout: {@link Placement}). Each file is a KV entry
 * ({@code {"value": text}}, or {@code {"base64": …}} for bytes that are not UTF-8), so every write
 * is a new KV version and old ones stay for rollback. A generator is committed all at once: every
 * file is written first, then its manifest, with check-and-set on the manifest's version, naming
 * the version of each file. Readers go through the manifest, so a write that stops half-way is
 * never seen; {@link #inspect} finds what it left and {@link #repair} removes it.
 */
public final class OpenBaoVarsStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KvV2 kv;
    private final Clock clock;

    public OpenBaoVarsStore(KvV2 kv, Clock clock) {
        this.kv = kv;
        this.clock = clock;
    }

    public String mount() {
        return kv.mount();
    }

    /** The generator's committed manifest, if its latest version is live. */
    public Optional<CommittedManifest> manifest(Placement placement, GeneratorName generator) {
        return kv.read(placement.manifest(generator), 0)
                .map(e -> new CommittedManifest(Manifest.fromJson(e.data()), e.version()));
    }

    /** The committed version of one file (through the manifest); empty when the generator or the file has none. */
    public Optional<FileValue> read(Placement placement, GeneratorName generator, String file) {
        return manifest(placement, generator).flatMap(m -> {
            Long version = m.manifest().files().get(file);
            return version == null ? Optional.empty() : readVersion(placement.file(generator, file), version);
        });
    }

    /** Every file of a committed generation, at the versions its manifest names. */
    public Map<String, FileValue> readAll(Placement placement, GeneratorName generator, CommittedManifest committed) {
        Map<String, FileValue> out = new TreeMap<>();
        committed.manifest().files().forEach((file, version) -> out.put(file,
                readVersion(placement.file(generator, file), version).orElseThrow(() -> new IllegalStateException(
                        "reading generator " + generator + " (" + placement + "): version " + version + " of " + file
                                + " is gone; run check and fix"))));
        return out;
    }

    private Optional<FileValue> readVersion(String path, long version) {
        return kv.read(path, version).map(e -> decode(path, e.data()));
    }

    /** What is stored for {@code g}: its manifest and anything that does not match a clean commit. */
    public Inspection inspect(Placement placement, GeneratorDefinition g) {
        String manifestPath = placement.manifest(g.name());
        Optional<CommittedManifest> committed = manifest(placement, g.name());
        List<StoreProblem> problems = new ArrayList<>();
        long manifestVersion = committed.map(CommittedManifest::version).orElse(0L);
        boolean manifestDeleted = false;
        if (committed.isEmpty()) {
            Optional<KvMetadata> meta = kv.metadata(manifestPath);
            if (meta.isPresent()) {
                manifestVersion = meta.get().currentVersion();
                if (meta.get().state(manifestVersion) == KvMetadata.VersionState.DELETED) {
                    problems.add(new StoreProblem.ManifestDeleted(manifestPath, manifestVersion));
                    manifestDeleted = true;
                }
            }
        }
        List<String> unmanifested = new ArrayList<>();
        for (FileSpec f : g.files()) {
            String path = placement.file(g.name(), f.name());
            Optional<KvMetadata> meta = kv.metadata(path);
            if (committed.isPresent()) {
                Manifest m = committed.get().manifest();
                Long version = m.files().get(f.name());
                if (version == null) {
                    problems.add(new StoreProblem.NotCommitted(path));
                } else {
                    KvMetadata.VersionState state = meta.map(md -> md.state(version)).orElse(KvMetadata.VersionState.DESTROYED);
                    if (state != KvMetadata.VersionState.LIVE) {
                        problems.add(new StoreProblem.VersionGone(path, version, state));
                    }
                }
                long highWater = m.highWater().getOrDefault(f.name(), version == null ? 0L : version);
                List<Long> newer = meta.map(md -> liveAbove(md, highWater)).orElse(List.of());
                if (!newer.isEmpty()) {
                    problems.add(new StoreProblem.Uncommitted(path, newer));
                }
            } else if (!manifestDeleted && meta.isPresent() && !liveAbove(meta.get(), 0).isEmpty()) {
                unmanifested.add(path);
            }
        }
        if (!unmanifested.isEmpty()) {
            problems.add(new StoreProblem.NoManifest(unmanifested));
        }
        return new Inspection(committed, manifestVersion, problems);
    }

    private static List<Long> liveAbove(KvMetadata meta, long version) {
        return meta.versions().entrySet().stream()
                .filter(e -> e.getKey() > version && e.getValue().state() == KvMetadata.VersionState.LIVE)
                .map(Map.Entry::getKey).toList();
    }

    /**
     * Writes {@code files} (each a new version), then commits the manifest with check-and-set on
     * {@code before.manifestVersion()}. Declared files not in {@code files} keep their committed
     * version (that is how {@code set} changes one file). When another writer committed first, the
     * versions written here are destroyed and the outcome is a {@link CommitOutcome.Conflict}.
     */
    public CommitOutcome commit(Placement placement, GeneratorDefinition g, Map<String, FileValue> files, String hash,
                                Map<GeneratorName, String> dependencyDigests, Inspection before, Manifest.Cause cause) {
        Map<String, Long> written = new LinkedHashMap<>();
        for (var e : new TreeMap<>(files).entrySet()) {
            if (g.file(e.getKey()).isEmpty()) {
                throw new IllegalArgumentException("generator " + g.name() + " declares no file " + e.getKey());
            }
            String path = placement.file(g.name(), e.getKey());
            written.put(e.getKey(), kv.put(path, encode(e.getValue())));
        }
        Map<String, Long> versions = new TreeMap<>();
        Map<String, Long> highWater = new TreeMap<>();
        before.committed().ifPresent(c -> {
            c.manifest().files().forEach((f, v) -> {
                if (g.file(f).isPresent()) {
                    versions.put(f, v);
                }
            });
            highWater.putAll(c.manifest().highWater());
        });
        versions.putAll(written);
        written.forEach((f, v) -> highWater.merge(f, v, Math::max));
        Manifest manifest = new Manifest(hash, g.definitionHash(), dependencyDigests, versions, highWater,
                before.committed().map(CommittedManifest::version).orElse(0L), clock.instant(), cause);
        if (!(kv.write(placement.manifest(g.name()), manifest.toJson(), before.manifestVersion()) instanceof CasWrite.Written version)) {
            written.forEach((f, v) -> kv.destroy(placement.file(g.name(), f), List.of(v)));
            return new CommitOutcome.Conflict("another writer committed generator " + g.name() + " (" + placement
                    + ") first; the versions this write made were destroyed");
        }
        return new CommitOutcome.Committed(new CommittedManifest(manifest, version.version()));
    }

    /**
     * Points the manifest back at the generation it replaced (its file versions, hash and
     * dependency digests), keeping the high-water marks; a second rollback goes one further back.
     */
    public RollbackOutcome rollback(Placement placement, GeneratorDefinition g) {
        Optional<CommittedManifest> current = manifest(placement, g.name());
        if (current.isEmpty()) {
            return new RollbackOutcome.NothingToRollBack("generator " + g.name() + " (" + placement + ") has no committed value");
        }
        Manifest now = current.get().manifest();
        if (now.replaces() == 0) {
            return new RollbackOutcome.NothingToRollBack("generator " + g.name() + " (" + placement + ") has no earlier generation");
        }
        Optional<KvEntry> earlierEntry = kv.read(placement.manifest(g.name()), now.replaces());
        if (earlierEntry.isEmpty()) {
            return new RollbackOutcome.NothingToRollBack("the earlier generation of " + g.name() + " (manifest version "
                    + now.replaces() + ") is no longer kept");
        }
        Manifest earlier = Manifest.fromJson(earlierEntry.get().data());
        for (var f : earlier.files().entrySet()) {
            String path = placement.file(g.name(), f.getKey());
            KvMetadata.VersionState state = kv.metadata(path).map(m -> m.state(f.getValue())).orElse(KvMetadata.VersionState.DESTROYED);
            if (state != KvMetadata.VersionState.LIVE) {
                return new RollbackOutcome.NothingToRollBack("version " + f.getValue() + " of " + path + ", which the earlier "
                        + "generation names, is no longer kept");
            }
        }
        Map<String, Long> highWater = new TreeMap<>(now.highWater());
        earlier.files().forEach((f, v) -> highWater.merge(f, v, Math::max));
        Manifest back = new Manifest(earlier.hash(), earlier.definitionHash(), earlier.dependencies(), earlier.files(),
                highWater, earlier.replaces(), clock.instant(), Manifest.Cause.ROLLBACK);
        if (!(kv.write(placement.manifest(g.name()), back.toJson(), current.get().version()) instanceof CasWrite.Written version)) {
            return new RollbackOutcome.Conflict("another writer committed generator " + g.name() + " during the rollback; nothing changed");
        }
        return new RollbackOutcome.RolledBack(now.files(), earlier.files(), new CommittedManifest(back, version.version()));
    }

    /** Repairs what it can of {@code problems} (from {@link #inspect}) and says what it did. */
    public List<Repair> repair(GeneratorName generator, List<StoreProblem> problems) {
        List<Repair> done = new ArrayList<>();
        for (StoreProblem p : problems) {
            switch (p) {
                case StoreProblem.Uncommitted u -> {
                    kv.destroy(u.path(), u.versions());
                    done.add(new Repair.Dropped(u.path(), u.versions()));
                }
                case StoreProblem.NoManifest n -> n.paths().forEach(path -> {
                    kv.deleteAll(path);
                    done.add(new Repair.Dropped(path, List.of()));
                });
                case StoreProblem.ManifestDeleted d -> {
                    kv.undelete(d.path(), List.of(d.version()));
                    done.add(new Repair.Restored(d.path(), List.of(d.version())));
                }
                case StoreProblem.VersionGone gone when gone.state() == KvMetadata.VersionState.DELETED -> {
                    kv.undelete(gone.path(), List.of(gone.version()));
                    done.add(new Repair.Restored(gone.path(), List.of(gone.version())));
                }
                case StoreProblem.VersionGone gone -> done.add(new Repair.NeedsGeneration(generator, gone.describe()));
                case StoreProblem.NotCommitted n -> done.add(new Repair.NeedsGeneration(generator,
                        n.describe() + "; set it or run generate"));
            }
        }
        return done;
    }

    static ObjectNode encode(FileValue value) {
        ObjectNode n = JSON.createObjectNode();
        if (value.isText()) {
            n.put("value", value.text());
        } else {
            n.put("base64", Base64.getEncoder().encodeToString(value.bytes()));
        }
        return n;
    }

    /** A file's value from its KV entry's data ({@code value} or {@code base64}). */
    public static FileValue decode(String path, JsonNode data) {
        if (data.path("value").isTextual()) {
            return FileValue.of(data.path("value").asText());
        }
        if (data.path("base64").isTextual()) {
            return new FileValue(Base64.getDecoder().decode(data.path("base64").asText()));
        }
        throw new IllegalStateException(path + " holds neither \"value\" nor \"base64\"; it was not written by the vars store");
    }
}
