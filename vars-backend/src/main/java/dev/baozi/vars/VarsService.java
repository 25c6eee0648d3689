package dev.baozi.vars;

import dev.baozi.vars.definition.FileSpec;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.definition.PromptSpec;
import dev.baozi.vars.generate.FileValue;
import dev.baozi.vars.generate.GeneratorEngine;
import dev.baozi.vars.generate.GeneratorInput;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.vars.store.CommitOutcome;
import dev.baozi.vars.store.CommittedManifest;
import dev.baozi.vars.store.DeploymentName;
import dev.baozi.vars.store.GeneratorCheck;
import dev.baozi.vars.store.GeneratorStatus;
import dev.baozi.vars.store.Inspection;
import dev.baozi.vars.store.Manifest;
import dev.baozi.vars.store.OpenBaoVarsStore;
import dev.baozi.vars.store.Placement;
import dev.baozi.vars.store.Repair;
import dev.baozi.vars.store.RollbackOutcome;
import dev.baozi.vars.store.StoreProblem;
import dev.baozi.vars.store.ValidationHash;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The vars verbs for one deployment and its generator set, after Clan's: {@code generate},
 * {@code check}, {@code list}, {@code get}, {@code set}, {@code fix} and {@code rollback}.
 * Shared generators are read and written under {@code vars/shared}, so every deployment sees the
 * same value.
 */
public final class VarsService {

    private final OpenBaoVarsStore store;
    private final GeneratorEngine engine;

    public VarsService(OpenBaoVarsStore store, GeneratorEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** The store on KV v2 mount {@code kvMount}; {@code pki-certificate} generators use the same API. */
    public static VarsService create(OpenBaoApi api, String kvMount) {
        return new VarsService(new OpenBaoVarsStore(new KvV2(api, kvMount), Clock.systemUTC()), new GeneratorEngine(api));
    }

    public OpenBaoVarsStore store() {
        return store;
    }

    /** Generates missing, outdated and broken generators in dependency order (and any the request forces). */
    public GenerateReport generate(DeploymentName deployment, GeneratorSet set, GenerateRequest request) {
        Set<GeneratorName> scope = scope(set, request);
        Map<GeneratorName, CommittedManifest> committed = new HashMap<>();
        List<GenerateReport.Outcome> outcomes = new ArrayList<>();
        for (GeneratorDefinition g : set.ordered()) {
            Placement placement = Placement.of(g, deployment);
            if (!scope.contains(g.name())) {
                store.manifest(placement, g.name()).ifPresent(m -> committed.put(g.name(), m));
                continue;
            }
            Inspection inspection = store.inspect(placement, g);
            inspection.committed().ifPresent(m -> committed.put(g.name(), m));
            Optional<GeneratorName> depWithout = g.dependencies().stream().filter(d -> !committed.containsKey(d)).findFirst();
            if (depWithout.isPresent()) {
                outcomes.add(new GenerateReport.Skipped(g.name(), "dependency " + depWithout.get() + " has no committed value"));
                continue;
            }
            Map<GeneratorName, String> depDigests = digests(g, committed);
            String hash = ValidationHash.of(g, depDigests);
            GeneratorCheck check = evaluate(g, placement, inspection, hash, depDigests);
            boolean forced = request.forces(g.name());
            if (!forced && !check.needsGeneration()) {
                outcomes.add(new GenerateReport.UpToDate(g.name(), placement));
                continue;
            }
            Map<String, FileValue> prompts = new LinkedHashMap<>();
            Optional<PromptSpec> unanswered = Optional.empty();
            for (PromptSpec p : g.prompts()) {
                FileValue given = request.prompts().getOrDefault(g.name(), Map.of()).get(p.name());
                if (given == null && p.persist() && inspection.committed().isPresent()
                        && inspection.committed().get().manifest().files().containsKey(p.name())) {
                    given = store.read(placement, g.name(), p.name()).orElse(null);
                }
                if (given == null) {
                    unanswered = Optional.of(p);
                    break;
                }
                prompts.put(p.name(), given);
            }
            if (unanswered.isPresent()) {
                outcomes.add(new GenerateReport.Skipped(g.name(), "prompt " + unanswered.get().name() + " ("
                        + unanswered.get().description() + ") needs a value"));
                continue;
            }
            Map<GeneratorName, Map<String, FileValue>> inputs = new TreeMap<>();
            for (GeneratorName dep : g.dependencies()) {
                GeneratorDefinition depDef = set.get(dep);
                inputs.put(dep, store.readAll(Placement.of(depDef, deployment), dep, committed.get(dep)));
            }
            Map<String, FileValue> files = engine.generate(g, new GeneratorInput(prompts, inputs));
            switch (store.commit(placement, g, files, hash, depDigests, inspection, Manifest.Cause.GENERATE)) {
                case CommitOutcome.Committed c -> {
                    committed.put(g.name(), c.manifest());
                    outcomes.add(new GenerateReport.Generated(g.name(), placement, forced && !check.needsGeneration()
                            ? "regenerated on request" : describe(check.status())));
                }
                case CommitOutcome.Conflict c -> {
                    store.manifest(placement, g.name()).ifPresent(m -> committed.put(g.name(), m));
                    outcomes.add(new GenerateReport.Conflict(g.name(), c.message()));
                }
            }
        }
        return new GenerateReport(outcomes);
    }

    private static Set<GeneratorName> scope(GeneratorSet set, GenerateRequest request) {
        Set<GeneratorName> scope = new LinkedHashSet<>();
        if (request.generators().isEmpty()) {
            set.ordered().forEach(g -> scope.add(g.name()));
            return scope;
        }
        for (GeneratorName n : request.generators()) {
            set.get(n);
            scope.add(n);
            scope.addAll(set.dependenciesOf(n));
            if (request.withDependents()) {
                scope.addAll(set.dependentsOf(n));
            }
        }
        return scope;
    }

    /** Each generator's status, in dependency order. */
    public List<GeneratorCheck> check(DeploymentName deployment, GeneratorSet set) {
        Map<GeneratorName, CommittedManifest> committed = new HashMap<>();
        List<GeneratorCheck> checks = new ArrayList<>();
        for (GeneratorDefinition g : set.ordered()) {
            Placement placement = Placement.of(g, deployment);
            Inspection inspection = store.inspect(placement, g);
            inspection.committed().ifPresent(m -> committed.put(g.name(), m));
            Map<GeneratorName, String> depDigests = digests(g, committed);
            checks.add(evaluate(g, placement, inspection, ValidationHash.of(g, depDigests), depDigests));
        }
        return checks;
    }

    private static Map<GeneratorName, String> digests(GeneratorDefinition g, Map<GeneratorName, CommittedManifest> committed) {
        Map<GeneratorName, String> d = new TreeMap<>();
        for (GeneratorName dep : g.dependencies()) {
            d.put(dep, committed.containsKey(dep) ? committed.get(dep).digest() : "none");
        }
        return d;
    }

    private static GeneratorCheck evaluate(GeneratorDefinition g, Placement placement, Inspection inspection, String hash,
                                           Map<GeneratorName, String> depDigests) {
        Optional<CommittedManifest> committed = inspection.committed();
        boolean current = committed.map(c -> c.manifest().hash().equals(hash)).orElse(false);
        GeneratorStatus status;
        if (!inspection.problems().isEmpty()) {
            status = new GeneratorStatus.Partial(inspection.problems());
        } else if (committed.isEmpty()) {
            status = new GeneratorStatus.Missing();
        } else if (!current) {
            status = new GeneratorStatus.Outdated(outdatedReason(g, committed.get().manifest(), depDigests));
        } else {
            status = new GeneratorStatus.Ok();
        }
        return new GeneratorCheck(g.name(), placement, status, committed, current);
    }

    private static String outdatedReason(GeneratorDefinition g, Manifest m, Map<GeneratorName, String> depDigests) {
        if (!m.definitionHash().equals(g.definitionHash())) {
            return "its definition changed";
        }
        List<String> changed = depDigests.entrySet().stream()
                .filter(e -> !e.getValue().equals(m.dependencies().get(e.getKey())))
                .map(e -> e.getKey().value()).toList();
        if (!changed.isEmpty()) {
            return "generator" + (changed.size() == 1 ? " " : "s ") + String.join(", ", changed)
                    + (changed.size() == 1 ? " has" : " have") + " new values since";
        }
        return "its dependencies changed";
    }

    private static String describe(GeneratorStatus status) {
        return switch (status) {
            case GeneratorStatus.Missing m -> "had no value";
            case GeneratorStatus.Outdated o -> "outdated: " + o.reason();
            case GeneratorStatus.Partial p -> "partial: " + p.problems().stream().map(StoreProblem::describe)
                    .collect(Collectors.joining("; "));
            case GeneratorStatus.Ok ok -> "up to date";
        };
    }

    /** Every declared file of every generator: public values shown, secret ones masked. */
    public List<VarListing> list(DeploymentName deployment, GeneratorSet set) {
        List<VarListing> out = new ArrayList<>();
        for (GeneratorDefinition g : set.ordered()) {
            Placement placement = Placement.of(g, deployment);
            Optional<CommittedManifest> m = store.manifest(placement, g.name());
            for (FileSpec f : g.files()) {
                Optional<Long> version = m.map(c -> c.manifest().files().get(f.name()));
                Optional<String> value = f.secret() || version.isEmpty()
                        ? Optional.empty()
                        : store.read(placement, g.name(), f.name()).map(FileValue::text);
                out.add(new VarListing(g.name(), placement, f.name(), f.secret(), f.deploy(), version, value));
            }
        }
        return out;
    }

    /** The committed value of one file; empty when it has none. */
    public Optional<FileValue> get(DeploymentName deployment, GeneratorSet set, GeneratorName generator, String file) {
        GeneratorDefinition g = declared(set, generator, file);
        return store.read(Placement.of(g, deployment), generator, file);
    }

    /** A person sets one file's value (a prompt, say); committed like a generation, the other files unchanged. */
    public CommitOutcome set(DeploymentName deployment, GeneratorSet set, GeneratorName generator, String file, FileValue value) {
        GeneratorDefinition g = declared(set, generator, file);
        Placement placement = Placement.of(g, deployment);
        Map<GeneratorName, CommittedManifest> committed = new HashMap<>();
        for (GeneratorName dep : g.dependencies()) {
            store.manifest(Placement.of(set.get(dep), deployment), dep).ifPresent(m -> committed.put(dep, m));
        }
        Map<GeneratorName, String> depDigests = digests(g, committed);
        return store.commit(placement, g, Map.of(file, value), ValidationHash.of(g, depDigests), depDigests,
                store.inspect(placement, g), Manifest.Cause.SET);
    }

    /** Repairs partial generators (drops uncommitted versions, restores deleted ones) and says what it did. */
    public List<Repair> fix(DeploymentName deployment, GeneratorSet set) {
        List<Repair> repairs = new ArrayList<>();
        for (GeneratorDefinition g : set.ordered()) {
            Inspection inspection = store.inspect(Placement.of(g, deployment), g);
            repairs.addAll(store.repair(g.name(), inspection.problems()));
        }
        return repairs;
    }

    /** Points the generator back at its previous generation's files. */
    public RollbackOutcome rollback(DeploymentName deployment, GeneratorSet set, GeneratorName generator) {
        GeneratorDefinition g = set.get(generator);
        return store.rollback(Placement.of(g, deployment), g);
    }

    private static GeneratorDefinition declared(GeneratorSet set, GeneratorName generator, String file) {
        GeneratorDefinition g = set.get(generator);
        if (g.file(file).isEmpty()) {
            throw new IllegalArgumentException("generator " + generator + " declares no file " + file + " (it has "
                    + g.files().stream().map(FileSpec::name).toList() + ")");
        }
        return g;
    }
}
