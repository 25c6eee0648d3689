package dev.baozi.orchestrator.migration;

import dev.baozi.orchestrator.auth.Caller;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import dev.baozi.ui.view.Chrome;
import dev.baozi.ui.view.MigrateView;
import dev.baozi.ui.view.MigrationView;
import dev.baozi.ui.view.MigrationsView;
import dev.baozi.ui.view.Status;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The migration wizard's pages: choose the target ({@code /workspaces/{ws}/migrate}), a workspace's
 * migrations, and one migration with its plan, its steps as a timeline and the decisions the reader
 * may take (approve, skip the wait, retry, roll back, decommission), each a form through the same
 * {@link MigrationService} as the API; a refusal shows on the page.
 */
public final class MigrationPagesController {

    private final MigrationService migrations;
    private final WorkspaceService workspaces;
    private final TargetChoices choices;
    private final UiSupport ui;
    private final Clock clock;

    public MigrationPagesController(MigrationService migrations, WorkspaceService workspaces, TargetChoices choices, UiSupport ui,
            Clock clock) {
        this.migrations = migrations;
        this.workspaces = workspaces;
        this.choices = choices;
        this.ui = ui;
        this.clock = clock;
    }

    // ---- the wizard ----

    /** Step one chooses the provider ({@code ?provider=}), step two its pool, storage and bridge. */
    public void wizard(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        if (ws.provider() == null) {
            ui.message(ctx, HttpStatus.CONFLICT, UiSupport.chrome(ctx, "Nothing to move"), "Nothing to move", "Workspace " + ws.name()
                    + " runs on no provider; only a deployment on a provider can move to another.");
            return;
        }
        renderWizard(ctx, HttpStatus.OK, ws, ctx.queryParam("provider"), Map.of(), UiSupport.chrome(ctx, "Move " + ws.name()));
    }

    /** Asks for the migration: its plan step starts, and the browser goes to its page. */
    public void create(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        Map<String, String> form = new TreeMap<>();
        Chrome chrome = UiSupport.chrome(ctx, "Move " + ws.name());
        for (String field : List.of("target_provider", "target_pool", "target_storage", "target_bridge")) {
            String value = ctx.formParam(field) == null ? "" : ctx.formParam(field).strip();
            form.put(field, value);
            String problem = value.isEmpty() ? label(field) + " is required." : value.length() > 100 ? label(field)
                    + " is longer than 100 characters." : null;
            if (problem != null) {
                renderWizard(ctx, HttpStatus.BAD_REQUEST, ws, form.get("target_provider"), form, chrome.withFlash(problem, true));
                return;
            }
        }
        var target = new MigrationTarget(form.get("target_provider"), form.get("target_pool"), form.get("target_storage"),
                form.get("target_bridge"));
        switch (migrations.create(ws, target, Caller.principal(ctx))) {
            case MigrationService.CreateOutcome.Created c -> ctx.redirect(path(c.migration()) + "?done=migration", HttpStatus.SEE_OTHER);
            case MigrationService.CreateOutcome.Invalid i -> renderWizard(ctx, HttpStatus.BAD_REQUEST, ws, target.provider(), form,
                    chrome.withFlash(UiSupport.sentence(i.reason()), true));
            case MigrationService.CreateOutcome.Conflict c -> renderWizard(ctx, HttpStatus.CONFLICT, ws, target.provider(), form,
                    chrome.withFlash(UiSupport.sentence(c.reason()), true));
        }
    }

    private static String label(String field) {
        return switch (field) {
            case "target_provider" -> "The target provider";
            case "target_pool" -> "The address pool";
            case "target_storage" -> "The storage";
            default -> "The bridge";
        };
    }

    private void renderWizard(Context ctx, HttpStatus status, Workspace ws, String chosen, Map<String, String> typed, Chrome chrome) {
        List<String> targets = choices.providers().stream().filter(p -> !p.equals(ws.provider())).toList();
        String provider = chosen != null && targets.contains(chosen) ? chosen : targets.size() == 1 ? targets.getFirst() : null;
        if (chosen != null && !chosen.isBlank() && !targets.contains(chosen) && !chrome.flashIsError()) {
            chrome = chrome.withFlash("There is no other provider named '" + chosen + "'; choose one of the list.", true);
        }
        String selected = provider;
        List<MigrateView.Option> options = targets.stream().map(p -> new MigrateView.Option(p, p, p.equals(selected))).toList();
        List<MigrateView.Field> fields = List.of();
        String node = null;
        List<String> problems = new ArrayList<>();
        if (provider != null) {
            TargetChoices.Listing pools = choices.pools();
            TargetChoices.Placement placement = choices.placement(provider);
            node = placement.node();
            fields = List.of(
                    field("target_pool", "pool", "Address pool", typed, pools, null,
                            "The NetBox prefix or range the new address comes from."),
                    field("target_storage", "storage", "Storage", typed, placement.storages(), "local-lvm",
                            "Where the disk lands on " + provider + " (Proxmox's target-storage: an id, or source:target pairs)."),
                    field("target_bridge", "bridge", "Bridge", typed, placement.bridges(), "vmbr0",
                            "The network bridge the VM joins on " + provider + " (Proxmox's target-bridge)."));
            for (TargetChoices.Listing l : List.of(pools, placement.storages(), placement.bridges())) {
                if (l.problem() != null && !problems.contains(l.problem())) {
                    problems.add(l.problem());
                }
            }
        }
        Long unfinished = migrations.forWorkspace(ws).stream().filter(m -> !m.status().isFinal()).map(Migration::id).findFirst()
                .orElse(null);
        ui.render(ctx, status, ui.pages().migrate(new MigrateView(chrome, ws.name(), ws.provider(), options, provider, node, fields,
                problems.isEmpty() ? null : String.join(" ", problems.stream().map(UiSupport::sentence).toList()), unfinished)));
    }

    /**
     * A select of the listing's choices with {@code typed} (or else {@code preferred}, or else the
     * first) selected; a text field when there is nothing to choose from.
     */
    private static MigrateView.Field field(String name, String id, String label, Map<String, String> typed, TargetChoices.Listing listing,
            String preferred, String hint) {
        String value = typed.getOrDefault(name, "");
        if (listing.choices().isEmpty()) {
            return new MigrateView.Field(name, id, label, value.isEmpty() && preferred != null ? preferred : value, List.of(), hint);
        }
        List<String> values = listing.choices().stream().map(TargetChoices.Choice::value).toList();
        String pick = values.contains(value) ? value : preferred != null && values.contains(preferred) ? preferred : values.getFirst();
        var options = new ArrayList<MigrateView.Option>();
        listing.choices().forEach(c -> options.add(new MigrateView.Option(c.value(), c.label(), c.value().equals(pick))));
        if (!value.isEmpty() && !values.contains(value)) {
            options.add(new MigrateView.Option(value, value, false));
        }
        return new MigrateView.Field(name, id, label, value, options, hint);
    }

    // ---- lists and one migration ----

    public void list(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        List<MigrationsView.Row> rows = migrations.forWorkspace(ws).stream().map(m -> new MigrationsView.Row(m.id(), status(m.status()),
                stepLabel(m.step()), m.sourceProvider(), m.target().provider(), m.requestedBy(), UiSupport.when(m.requestedAt()),
                UiSupport.when(m.finishedAt()))).toList();
        ui.render(ctx, HttpStatus.OK, ui.pages().migrations(new MigrationsView(UiSupport.chrome(ctx, "Migrations of " + ws.name()),
                ws.name(), ws.provider(), Caller.has(ctx, Role.OPERATOR), rows)));
    }

    public void show(Context ctx) {
        Migration m = migration(ctx);
        if (m != null) {
            render(ctx, HttpStatus.OK, m, chrome(ctx, m), "");
        }
    }

    public void approve(Context ctx) {
        Migration m = migration(ctx);
        if (m == null) {
            return;
        }
        Optional<MigrationStep> step = MigrationStep.parse(ctx.formParam("step") == null ? "" : ctx.formParam("step"));
        if (step.isEmpty()) {
            render(ctx, HttpStatus.BAD_REQUEST, m, chrome(ctx, m).withFlash("The form named no step to approve.", true), comment(ctx));
            return;
        }
        respond(ctx, m, migrations.approve(m.id(), step.get(), Caller.principal(ctx), comment(ctx), false), "migration-approved");
    }

    public void decommission(Context ctx) {
        Migration m = migration(ctx);
        if (m != null) {
            respond(ctx, m, migrations.approve(m.id(), MigrationStep.DECOMMISSION, Caller.principal(ctx), comment(ctx),
                    "true".equals(ctx.formParam("confirm_destroy"))), "migration-decommission");
        }
    }

    public void skipWait(Context ctx) {
        Migration m = migration(ctx);
        if (m != null) {
            respond(ctx, m, migrations.skipWait(m.id(), Caller.principal(ctx), comment(ctx)), "migration-skipped");
        }
    }

    public void retry(Context ctx) {
        Migration m = migration(ctx);
        if (m != null) {
            respond(ctx, m, migrations.retry(m.id(), Caller.principal(ctx)), "migration-retried");
        }
    }

    public void rollback(Context ctx) {
        Migration m = migration(ctx);
        if (m != null) {
            respond(ctx, m, migrations.rollback(m.id(), Caller.principal(ctx), comment(ctx)), "migration-rollback");
        }
    }

    private void respond(Context ctx, Migration m, MigrationService.Decision decision, String done) {
        switch (decision) {
            case MigrationService.Decision.Done d -> ctx.redirect(path(m) + "?done=" + done, HttpStatus.SEE_OTHER);
            case MigrationService.Decision.NotFound n -> ui.message(ctx, HttpStatus.NOT_FOUND, UiSupport.chrome(ctx, "No such migration"),
                    "No such migration", "There is no migration " + n.id() + ".");
            case MigrationService.Decision.WrongState w -> render(ctx, HttpStatus.CONFLICT, w.migration(),
                    chrome(ctx, m).withFlash(UiSupport.sentence(w.reason()), true), comment(ctx));
            case MigrationService.Decision.Forbidden f -> render(ctx, HttpStatus.FORBIDDEN, m,
                    chrome(ctx, m).withFlash(UiSupport.sentence(f.reason()), true), comment(ctx));
            case MigrationService.Decision.NeedsConfirmation c -> render(ctx, HttpStatus.CONFLICT, c.migration(),
                    chrome(ctx, m).withFlash("Decommissioning destroys the VM of " + m.workspace() + " on " + m.sourceProvider()
                            + ": tick the confirmation box to approve it.", true), comment(ctx));
        }
    }

    private static String comment(Context ctx) {
        String comment = ctx.formParam("comment");
        return comment == null ? "" : comment.length() > 2000 ? comment.substring(0, 2000) : comment.strip();
    }

    private static Chrome chrome(Context ctx, Migration m) {
        return UiSupport.chrome(ctx, "Migration #" + m.id() + " of " + m.workspace());
    }

    private static String path(Migration m) {
        return "/workspaces/" + m.workspace() + "/migrations/" + m.id();
    }

    private void render(Context ctx, HttpStatus status, Migration m, Chrome chrome, String comment) {
        Principal who = Caller.principal(ctx);
        List<StepRecord> timeline = migrations.timeline(m.id());
        var header = new MigrationView.Header(m.id(), m.workspace(), m.sourceProvider(), m.target().provider(), m.target().pool(),
                m.target().storage(), m.target().bridge(), status(m.status()), stepLabel(m.step()), m.message(), m.requestedBy(),
                UiSupport.when(m.requestedAt()), UiSupport.when(m.updatedAt()), UiSupport.when(m.finishedAt()),
                m.status() == MigrationStatus.RUNNING || m.status() == MigrationStatus.WAITING);
        ui.render(ctx, status, ui.pages().migration(new MigrationView(chrome, header, MigrationPresenter.plan(m.plan(),
                m.step() == MigrationStep.PLAN && !m.status().isFinal()),
                MigrationPresenter.steps(m, timeline), countdown(m), actions(ctx, m, who, comment))));
    }

    private MigrationView.Countdown countdown(Migration m) {
        if (m.status() != MigrationStatus.WAITING || m.wakeAt() == null) {
            return null;
        }
        Duration left = Duration.between(OffsetDateTime.now(clock), m.wakeAt());
        String why = m.step() == MigrationStep.SOAK ? "the source VM stays stopped for the soak period"
                : m.step() == MigrationStep.LOWER_TTL ? "resolvers forget the old TTL" : "the wait of " + stepLabel(m.step());
        return new MigrationView.Countdown(why, m.wakeAt().toInstant().toString(), UiSupport.when(m.wakeAt()),
                MigrationPresenter.duration(left.isNegative() ? Duration.ZERO : left));
    }

    /** The decisions {@code who} may take now, by the rules the service applies (and the routes' roles). */
    private MigrationView.Actions actions(Context ctx, Migration m, Principal who, String comment) {
        boolean approver = Caller.has(ctx, Role.APPROVER);
        Optional<String> barred = approver ? migrations.mayNotApprove(m, who) : Optional.empty();
        boolean awaiting = m.status() == MigrationStatus.AWAITING_APPROVAL;
        boolean mayDecide = approver && barred.isEmpty();
        boolean rollbackable = !m.status().isFinal() && !m.step().isRollback()
                && (m.step() != MigrationStep.DECOMMISSION || awaiting);
        String approveStep = awaiting && m.step() != MigrationStep.DECOMMISSION && mayDecide ? m.step().wire() : null;
        String whyNot = barred.isPresent() && (awaiting || rollbackable) ? UiSupport.sentence(barred.get()) : null;
        return new MigrationView.Actions(approveStep, approveLabel(m.step()), awaiting && m.step() == MigrationStep.DECOMMISSION && mayDecide,
                whyNot, approver && m.status() == MigrationStatus.WAITING,
                m.status() == MigrationStatus.PAUSED && Caller.has(ctx, Role.OPERATOR), rollbackable && mayDecide, comment);
    }

    private static String approveLabel(MigrationStep step) {
        return switch (step) {
            case PLAN -> "Approve the plan and start the move";
            case CUTOVER -> "Approve the cutover (the VM stops and moves)";
            case SWITCH_DNS -> "Approve switching DNS to the new address";
            default -> "Approve " + stepLabel(step);
        };
    }

    /** How every page names a step. */
    static String stepLabel(MigrationStep step) {
        return switch (step) {
            case PLAN -> "plan";
            case BACKUP -> "backup";
            case LOWER_TTL -> "lower TTL";
            case CUTOVER -> "cutover";
            case ADOPT -> "adopt (run)";
            case START_VERIFY -> "start and verify";
            case SWITCH_DNS -> "switch DNS";
            case SOAK -> "soak";
            case DECOMMISSION -> "decommission";
            case ROLLBACK_START_SOURCE -> "rollback: start the source VM";
            case ROLLBACK_DNS -> "rollback: DNS back";
            case ROLLBACK_STATE -> "rollback: state back";
            case ROLLBACK_RELEASE_TARGET -> "rollback: release the target";
            case ROLLBACK_TTL -> "rollback: restore the TTL";
        };
    }

    /** How every page shows a migration's status: one label and one CSS class per status. */
    static Status status(MigrationStatus status) {
        String label = switch (status) {
            case AWAITING_APPROVAL -> "needs approval";
            case RUNNING -> "running";
            case WAITING -> "waiting";
            case PAUSED -> "paused";
            case COMPLETED -> "completed";
            case ROLLED_BACK -> "rolled back";
        };
        return new Status("m-" + status.wire(), label);
    }

    private Workspace workspace(Context ctx) {
        String name = WorkspaceName.fromPath(ctx).value();
        Optional<Workspace> ws = workspaces.get(name);
        if (ws.isEmpty()) {
            ui.message(ctx, HttpStatus.NOT_FOUND, UiSupport.chrome(ctx, "No such workspace"), "No such workspace",
                    "There is no workspace named " + name + ".");
            return null;
        }
        return ws.get();
    }

    /** The migration in the path, of the workspace in the path; null when a message page answered. */
    private Migration migration(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return null;
        }
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            ui.message(ctx, HttpStatus.BAD_REQUEST, UiSupport.chrome(ctx, "Bad migration id"), "Bad migration id",
                    "Migration ids are numbers; " + ctx.pathParam("id") + " is not one.");
            return null;
        }
        Optional<Migration> m = migrations.get(id).filter(x -> x.workspaceId() == ws.id());
        if (m.isEmpty()) {
            ui.message(ctx, HttpStatus.NOT_FOUND, UiSupport.chrome(ctx, "No such migration"), "No such migration",
                    "Workspace " + ws.name() + " has no migration " + id + ".");
            return null;
        }
        return m.get();
    }
}
