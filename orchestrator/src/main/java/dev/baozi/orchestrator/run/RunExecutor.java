package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.workspace.GeneratedFiles;
import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceFiles;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a run's tofu steps. Plan: generate the directory, {@code init}, {@code plan -out},
 * {@code show -json} (stored masked), seal the plan file. Apply: check the directory is what
 * was planned, open the sealed plan, {@code apply} that file and nothing else, delete it.
 */
public final class RunExecutor {

    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PLAN_FILE = "plan.tfplan";
    static final String SEALED_PLAN = "plan.tfplan.sealed";

    private final RunRepository runs;
    private final RunLogRepository logs;
    private final LogBus bus;
    private final WorkspaceService workspaces;
    private final PlanVault vault;
    private final RunSettings settings;
    private final Clock clock;
    private final ConcurrencyGauge gauge = new ConcurrencyGauge();
    private final Map<Long, TofuProcess> running = new ConcurrentHashMap<>();
    private final Map<Long, String> cancelRequests = new ConcurrentHashMap<>();
    /** Runs planning that wait for a tofu slot. */
    private final java.util.Set<Long> waiting = ConcurrentHashMap.newKeySet();

    public RunExecutor(RunRepository runs, RunLogRepository logs, LogBus bus, WorkspaceService workspaces, PlanVault vault,
            RunSettings settings, Clock clock) {
        this(runs, logs, bus, workspaces, vault, settings, clock, RunCredentials.NONE);
    }

    public RunExecutor(RunRepository runs, RunLogRepository logs, LogBus bus, WorkspaceService workspaces, PlanVault vault,
            RunSettings settings, Clock clock, RunCredentials credentials) {
        this(runs, logs, bus, workspaces, vault, settings, clock, credentials, RunSteps.NONE);
    }

    public RunExecutor(RunRepository runs, RunLogRepository logs, LogBus bus, WorkspaceService workspaces, PlanVault vault,
            RunSettings settings, Clock clock, RunCredentials credentials, RunSteps steps) {
        this.credentials = credentials;
        this.steps = steps;
        this.runs = runs;
        this.logs = logs;
        this.bus = bus;
        this.workspaces = workspaces;
        this.vault = vault;
        this.settings = settings;
        this.clock = clock;
    }

    private final RunCredentials credentials;
    private final RunSteps steps;

    public ConcurrencyGauge gauge() {
        return gauge;
    }

    Path runDir(long runId) {
        return settings.runsDir().resolve(Long.toString(runId));
    }

    /** Asks the step running for {@code runId} to stop (interrupt, or kill when {@code force}); false if none runs. */
    boolean requestCancel(long runId, String by, boolean force) {
        if (waiting.contains(runId)) {
            cancelRequests.put(runId, by);
            return true;
        }
        TofuProcess process = running.get(runId);
        if (process == null) {
            return false;
        }
        cancelRequests.put(runId, by);
        if (force) {
            process.kill();
        } else {
            process.interrupt(settings.cancelGrace());
        }
        return true;
    }

    /** Plans run {@code run} (already moved to planning), holding a tofu slot all along. */
    public void plan(Run run) {
        plan(run, null);
    }

    /**
     * Plans run {@code run} (already moved to planning); what comes before tofu runs at once, and
     * {@code slot} (null: one is held already) is taken before the first tofu step.
     */
    void plan(Run run, RunScheduler.Slot slot) {
        Workspace ws = workspaces.get(run.workspace()).orElseThrow();
        Step step = new Step(run, ws);
        try {
            if (step.credentialsProblem != null) {
                step.finish(RunStatus.PLANNING, RunStatus.ERRORED, step.credentialsProblem);
                return;
            }
            Supplied supplied;
            try {
                supplied = steps.beforePlan(run, ws, line -> step.log.line("baozi", line));
            } catch (RunSteps.Refused e) {
                step.finish(RunStatus.PLANNING, RunStatus.ERRORED, e.getMessage());
                return;
            }
            runs.recordSupplied(run.id(), supplied.toJson());
            if (slot != null && !takeSlot(slot, step)) {
                return;
            }
            Path dir = step.prepareDirectory(true, supplied);
            if (!step.tofu("init", List.of("init", "-input=false", "-json"), settings.planTimeout(), null)) {
                return;
            }
            List<String> planArgs = new ArrayList<>(List.of("plan", "-input=false", "-json", "-detailed-exitcode",
                    "-lock-timeout=30s", "-out=" + PLAN_FILE));
            if (run.destroy()) {
                planArgs.add("-destroy");
            }
            run.replace().forEach(address -> planArgs.add("-replace=" + address));
            var exit = new int[1];
            if (!step.tofu("plan", planArgs, settings.planTimeout(), exit)) {
                return;
            }
            Files.deleteIfExists(dir.resolve(WorkspaceFiles.SECRET_VALUES_FILE)); // the sealed plan holds them from here on
            var show = new ByteArrayOutputStream();
            if (!step.capture(List.of("show", "-json", PLAN_FILE), show)) {
                return;
            }
            PlanJson.Reviewed reviewed = PlanJson.review(show.toByteArray());
            String planText = step.redactor.redact(reviewed.plan().toString());
            runs.recordPlan(run.id(), planText, reviewed.summary());
            Optional<RunSteps.DnsPlanned> dns;
            try {
                dns = steps.planDns(run, ws, supplied, runDir(run.id()).resolve("dns"), line -> step.log.line("dns", line));
            } catch (RunSteps.Refused e) {
                step.finish(RunStatus.PLANNING, RunStatus.ERRORED, e.getMessage());
                return;
            }
            dns.ifPresent(d -> runs.recordDnsPlan(run.id(), d.json(), d.changes(), d.forceReason()));
            int dnsChanges = dns.map(RunSteps.DnsPlanned::changes).orElse(0);
            Path plain = dir.resolve(PLAN_FILE);
            boolean tofuChanges = exit[0] != 0 && (reviewed.summary().hasChanges() || !reviewed.plan().path("output_changes").isEmpty());
            if (!tofuChanges && dnsChanges == 0) {
                Files.deleteIfExists(plain);
                step.finish(RunStatus.PLANNING, RunStatus.PLANNED_NO_CHANGES, null);
                return;
            }
            if (tofuChanges) {
                vault.seal(Files.readAllBytes(plain), runDir(run.id()).resolve(SEALED_PLAN));
            }
            Files.deleteIfExists(plain);
            if (!runs.transition(run.id(), RunStatus.PLANNING, RunStatus.PLANNED, OffsetDateTime.now(clock))) {
                discardRun(run.id()); // cancelled meanwhile
            }
            step.log.line("baozi", "plan ready: " + (tofuChanges ? describe(reviewed.summary()) : "no resource changes")
                    + (dns.isPresent() ? "; " + dnsChanges + " DNS change(s)" + (dns.get().forceReason() == null ? ""
                            : " over octoDNS's safety thresholds (approve with force_dns)") : "") + "; waiting for approval");
        } catch (RuntimeException | IOException e) {
            log.error("planning run {}", run.id(), e);
            step.finish(RunStatus.PLANNING, RunStatus.ERRORED, "planning failed: " + e.getMessage());
        }
    }

    /** Waits for a tofu slot; false (the run ended canceled) when a cancel came first. */
    private boolean takeSlot(RunScheduler.Slot slot, Step step) {
        waiting.add(step.run.id());
        try {
            slot.full().ifPresent(full -> step.log.line("baozi", "waiting for a tofu slot (" + full + ")"));
            if (slot.take(() -> cancelRequests.containsKey(step.run.id()))) {
                if (!cancelRequests.containsKey(step.run.id())) {
                    return true;
                }
            }
            step.finishCanceled(RunStatus.PLANNING, cancelRequests.remove(step.run.id()), false);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            step.finish(RunStatus.PLANNING, RunStatus.ERRORED, "interrupted while waiting for a tofu slot");
            return false;
        } finally {
            waiting.remove(step.run.id());
        }
    }

    /**
     * Applies run {@code run} (already moved to applying): tofu from its sealed plan, and the DNS
     * changes it planned — after tofu, or before it when the run destroys. When one part fails
     * after the other was applied, the run's error says which.
     */
    public void apply(Run run) {
        Workspace ws = workspaces.get(run.workspace()).orElseThrow();
        Step step = new Step(run, ws);
        Path sealed = runDir(run.id()).resolve(SEALED_PLAN);
        try {
            if (step.credentialsProblem != null) {
                step.finish(RunStatus.APPLYING, RunStatus.ERRORED, step.credentialsProblem);
                return;
            }
            boolean tofuChanges = PlanVault.exists(sealed);
            Optional<String> dnsPlan = run.changesDns() ? runs.dnsPlanJson(run.id()) : Optional.empty();
            if (!tofuChanges && dnsPlan.isEmpty()) {
                step.finish(RunStatus.APPLYING, RunStatus.ERRORED, "no saved plan for run " + run.id() + " (was it discarded?)");
                return;
            }
            Supplied supplied = runs.suppliedJson(run.id()).map(Supplied::fromJson).orElse(Supplied.NONE);
            Path dir = step.prepareDirectory(false, supplied);
            if (dir == null) {
                return;
            }
            Path dnsDir = runDir(run.id()).resolve("dns");
            boolean forced = Boolean.TRUE.equals(run.dnsForced());
            if (run.destroy() && dnsPlan.isPresent()) {
                try {
                    steps.applyDns(run, ws, dnsPlan.get(), forced, dnsDir, line -> step.log.line("dns", line));
                } catch (RunSteps.Refused e) {
                    step.finish(RunStatus.APPLYING, RunStatus.ERRORED, "the DNS step failed, so nothing was destroyed: " + e.getMessage());
                    return;
                }
                step.afterFailure = "; the DNS records were already removed";
            }
            if (tofuChanges) {
                RunFiles.writePrivate(dir, PLAN_FILE, vault.open(sealed));
                if (!run.destroy() && dnsPlan.isPresent()) {
                    step.afterFailure = "; the DNS step did not run";
                }
                if (!step.tofu("apply", List.of("apply", "-input=false", "-json", "-lock-timeout=30s", PLAN_FILE),
                        settings.applyTimeout(), null)) {
                    return;
                }
            }
            if (!run.destroy() && dnsPlan.isPresent()) {
                try {
                    steps.applyDns(run, ws, dnsPlan.get(), forced, dnsDir, line -> step.log.line("dns", line));
                } catch (RunSteps.Refused e) {
                    String applied = tofuChanges ? "after tofu applied (" + describe(run.summary()) + ")" : "(tofu had nothing to do)";
                    step.finish(RunStatus.APPLYING, RunStatus.ERRORED, "the DNS step failed " + applied + ": " + e.getMessage()
                            + "; queue a new run to finish it");
                    return;
                }
            }
            if (!run.destroy()) {
                try {
                    steps.afterApply(run, ws, line -> step.log.line("baozi", line));
                } catch (RunSteps.Refused e) {
                    step.finish(RunStatus.APPLYING, RunStatus.ERRORED, e.getMessage() + " (after tofu"
                            + (dnsPlan.isPresent() ? " and the DNS step" : "") + " applied; queue a new run to try again)");
                    return;
                }
            }
            step.finish(RunStatus.APPLYING, RunStatus.APPLIED, null);
        } catch (RuntimeException | IOException e) {
            log.error("applying run {}", run.id(), e);
            step.finish(RunStatus.APPLYING, RunStatus.ERRORED, "applying failed: " + e.getMessage());
        } finally {
            discardRun(run.id());
        }
    }

    /** Whether run {@code runId} is planning but waits for a tofu slot. */
    boolean waitsForSlot(long runId) {
        return waiting.contains(runId);
    }

    /**
     * Adds a line from Baozi itself ("waiting behind run 19") to the log of run {@code runId} if
     * that log is still empty. Only for a run that has not started: a started run's steps number
     * their own lines.
     */
    void noteIfSilent(long runId, String line) {
        if (logs.lastSeq(runId) == 0) {
            new RunLog(runId, logs, bus, new Redactor(List.of()), clock).line("baozi", line);
        }
    }

    /**
     * A run has ended: gives back what it reserved that its workspace does not own (see
     * {@link RunSteps#ended}), then deletes everything it left on disk.
     */
    void discardRun(long runId) {
        runs.get(runId).ifPresent(run -> workspaces.get(run.workspace()).ifPresent(ws -> {
            try {
                var runLog = new RunLog(runId, logs, bus, new Redactor(List.of()), clock);
                steps.ended(run, ws, line -> runLog.line("baozi", line));
            } catch (RuntimeException e) {
                // what it reserved stays tagged with the workspace, so its next plan finds it again: nothing is lost
                log.warn("run {} ended, but giving back what it reserved failed: {}", runId, e.getMessage());
            }
        }));
        discardPlan(runId);
        deleteTree(runDir(runId));
    }

    /** Deletes the run's sealed plan and any plain copy. */
    void discardPlan(long runId) {
        PlanVault.delete(runDir(runId).resolve(SEALED_PLAN));
        try {
            Files.deleteIfExists(runDir(runId).resolve("work").resolve(PLAN_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 45s, 30min, 1h30min: how a person writes a timeout. */
    static String human(Duration d) {
        if (d.toSeconds() < 60 || d.toSecondsPart() != 0) {
            return d.toSeconds() + "s";
        }
        return (d.toHours() > 0 ? d.toHours() + "h" : "") + (d.toMinutesPart() > 0 || d.toHours() == 0 ? d.toMinutesPart() + "min" : "");
    }

    static String describe(PlanSummary s) {
        return s.adds() + " to add, " + s.changes() + " to change, " + s.replaces() + " to replace, " + s.destroys() + " to destroy";
    }

    /** One run's step context: its log, its secrets to redact, its environment. */
    private final class Step {
        final Run run;
        final Workspace ws;
        final RunLog log;
        final Redactor redactor;
        final Map<String, String> env;
        final List<String> errors = new ArrayList<>();
        /** Added to a failing tofu step's error: what of the run was already done, or not done, because of it. */
        String afterFailure = "";
        /** Why the provider's credentials could not be had; the step ends errored with it. */
        final String credentialsProblem;
        boolean ended;

        Step(Run run, Workspace ws) {
            this.run = run;
            this.ws = ws;
            String stateToken = workspaces.stateToken(ws);
            List<String> secrets = new ArrayList<>(List.of(stateToken));
            workspaces.sensitiveInputs(ws).forEach(value -> secrets.add(value.isTextual() ? value.asText() : value.toString()));
            // a sensitive variable's default is as secret as a value given for it
            workspaces.template(ws).ifPresent(t -> t.variables().stream().filter(v -> v.sensitive() && v.defaultValue() != null)
                    .forEach(v -> secrets.add(v.defaultValue().isTextual() ? v.defaultValue().asText() : v.defaultValue().toString())));
            RunCredentials.Credentials provided = RunCredentials.Credentials.NONE;
            String problem = null;
            try {
                RunFiles.makePrivateDirectories(runDir(run.id()));
                provided = credentials.forRun(ws, runDir(run.id()));
            } catch (RuntimeException | IOException e) {
                problem = "getting the credentials of provider " + ws.provider() + " for this run: " + e.getMessage();
            }
            this.credentialsProblem = problem;
            secrets.addAll(provided.secrets());
            this.redactor = new Redactor(secrets);
            this.log = new RunLog(run.id(), logs, bus, redactor, clock);
            this.env = TofuEnvironment.inherited(System.getenv());
            env.put("HOME", runDir(run.id()).toAbsolutePath().toString());
            env.put("TF_CLI_CONFIG_FILE", settings.cliConfig().toString());
            env.put("TF_IN_AUTOMATION", "1");
            env.put("TF_INPUT", "0");
            env.put("TF_HTTP_PASSWORD", stateToken);
            env.put("CHECKPOINT_DISABLE", "1");
            env.putAll(provided.env());
        }

        /**
         * Writes the generated directory (fresh for a plan). For an apply, an existing directory
         * is kept only if it is exactly what was planned; returns null (run errored) otherwise.
         */
        Path prepareDirectory(boolean fresh, Supplied supplied) throws IOException {
            Path dir = runDir(run.id()).resolve("work");
            GeneratedFiles files = workspaces.files(ws, supplied);
            if (!fresh && run.configSha256() != null && !run.configSha256().equals(files.sha256())) {
                finish(RunStatus.APPLYING, RunStatus.ERRORED, "the workspace's configuration changed since run " + run.id()
                        + " planned (template " + ws.template() + " edited?): planned " + run.configSha256().substring(0, 12)
                        + ", now " + files.sha256().substring(0, 12) + "; queue a new run");
                return null;
            }
            if (fresh) {
                deleteTree(dir);
            }
            RunFiles.makePrivateDirectories(dir);
            for (var f : files.files().entrySet()) {
                RunFiles.writePrivate(dir, f.getKey(), f.getValue());
            }
            if (fresh) {
                // sensitive values only for the plan: the apply takes every value from the sealed plan
                for (var f : files.secretFiles().entrySet()) {
                    RunFiles.writePrivate(dir, f.getKey(), f.getValue());
                }
            }
            if (fresh) {
                runs.recordConfig(run.id(), files.sha256(), files.moduleSha256());
                log.line("baozi", "generated configuration " + files.sha256().substring(0, 12) + " (module "
                        + ws.template() + " " + files.moduleSha256().substring(0, 12) + ")");
            } else if (!Files.isDirectory(dir.resolve(".terraform"))) {
                if (!tofu("init", List.of("init", "-input=false", "-json"), settings.applyTimeout(), null)) {
                    return null;
                }
            }
            return dir;
        }

        /** Runs a logged tofu step; false (and the run ended) unless it succeeded. {@code exit[0]} gets the exit code. */
        boolean tofu(String name, List<String> args, Duration timeout, int[] exit) {
            Path dir = runDir(run.id()).resolve("work");
            var process = new TofuProcess(settings.sandbox().sandboxed());
            running.put(run.id(), process);
            gauge.started(ws.name());
            TofuProcess.Outcome outcome;
            try {
                outcome = process.run(command(args), dir, env, line -> {
                    collectError(line);
                    log.line(name, line);
                }, timeout, settings.cancelGrace());
            } finally {
                gauge.ended(ws.name());
                running.remove(run.id());
            }
            if (exit != null) {
                exit[0] = outcome.exitCode();
            }
            RunStatus from = name.equals("apply") || run.status() == RunStatus.APPLYING ? RunStatus.APPLYING : RunStatus.PLANNING;
            if (outcome.timedOut()) {
                finish(from, RunStatus.ERRORED, "tofu " + name + " timed out after " + human(timeout) + " and was stopped");
                return false;
            }
            if (outcome.interrupted() || outcome.killed()) {
                String by = cancelRequests.remove(run.id());
                finishCanceled(from, by, outcome.killed());
                return false;
            }
            boolean ok = outcome.exitCode() == 0 || (name.equals("plan") && outcome.exitCode() == 2);
            if (!ok) {
                finish(from, RunStatus.ERRORED, "tofu " + name + " failed" + (errors.isEmpty() ? " (exit " + outcome.exitCode() + ")"
                        : ": " + String.join("; ", errors)) + afterFailure);
            }
            return ok;
        }

        /** Runs a tofu command whose output is data, not log ({@code show -json}). */
        boolean capture(List<String> args, ByteArrayOutputStream into) {
            var process = new TofuProcess(settings.sandbox().sandboxed());
            var outcome = process.run(command(args), runDir(run.id()).resolve("work"), env,
                    line -> into.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8)),
                    line -> log.line(args.getFirst(), line), settings.planTimeout(), settings.cancelGrace());
            if (outcome.exitCode() != 0) {
                finish(RunStatus.PLANNING, RunStatus.ERRORED, "tofu " + args.getFirst() + " failed (exit " + outcome.exitCode() + ")");
                return false;
            }
            return true;
        }

        /** {@code tofu args…} as started: in the run's sandbox when there is one. */
        private List<String> command(List<String> args) {
            return settings.sandbox().command(settings.tofu(), runDir(run.id()), runDir(run.id()).resolve("work"), args);
        }

        private void collectError(String line) {
            if (!line.startsWith("{")) {
                return;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if ("error".equals(node.path("@level").asText()) && errors.size() < 5) {
                    errors.add(redactor.redact(RunLog.readable(line)));
                }
            } catch (IOException ignored) {
                // not JSON after all: just log text
            }
        }

        void finishCanceled(RunStatus from, String by, boolean killed) {
            String reason = (killed ? "killed" : "interrupted") + (by == null ? "" : " at the request of " + by);
            if (!ended && runs.finish(run.id(), from, RunStatus.CANCELED, "canceled: " + reason, by, OffsetDateTime.now(clock))) {
                log.line("baozi", "run canceled: " + reason);
            }
            ended = true;
            discardRun(run.id());
        }

        void finish(RunStatus from, RunStatus to, String error) {
            if (ended) {
                return;
            }
            ended = true;
            boolean moved = to == RunStatus.APPLIED || to == RunStatus.PLANNED_NO_CHANGES
                    ? runs.transition(run.id(), from, to, OffsetDateTime.now(clock))
                    : runs.finish(run.id(), from, to, error, null, OffsetDateTime.now(clock));
            if (moved) {
                log.line("baozi", "run " + to.wire() + (error == null ? "" : ": " + error));
            }
            if (to.isFinal()) {
                discardRun(run.id());
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + dir, e);
        }
    }
}
