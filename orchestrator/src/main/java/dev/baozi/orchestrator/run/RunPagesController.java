package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.orchestrator.auth.Caller;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.run.LogLine;
import dev.baozi.orchestrator.run.PlanSummary;
import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunService;
import dev.baozi.orchestrator.run.RunStatus;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import dev.baozi.ui.view.Chrome;
import dev.baozi.ui.view.RunView;
import dev.baozi.ui.view.Status;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A run's page and its forms: approve or discard (with the destroy confirmation), cancel. */
public final class RunPagesController {

    private static final Set<RunStatus> LIVE = Set.of(RunStatus.QUEUED, RunStatus.PLANNING, RunStatus.APPROVED, RunStatus.APPLYING);
    private static final Set<RunStatus> CANCELABLE = Set.of(RunStatus.QUEUED, RunStatus.PLANNING, RunStatus.PLANNED,
            RunStatus.APPROVED, RunStatus.APPLYING);

    private final RunService runs;
    private final WorkspaceService workspaces;
    private final UiSupport ui;

    public RunPagesController(RunService runs, WorkspaceService workspaces, UiSupport ui) {
        this.runs = runs;
        this.workspaces = workspaces;
        this.ui = ui;
    }

    public void show(Context ctx) {
        Run run = run(ctx);
        if (run != null) {
            render(ctx, HttpStatus.OK, run, UiSupport.chrome(ctx, "Run #" + run.id()));
        }
    }

    /** One form, two buttons: {@code decision=approve} or {@code decision=discard}. */
    public void decide(Context ctx) {
        Run run = run(ctx);
        if (run == null) {
            return;
        }
        Principal who = Caller.principal(ctx);
        String comment = ctx.formParam("comment") == null ? "" : ctx.formParam("comment").strip();
        String decision = ctx.formParam("decision");
        RunService.Decision outcome;
        String done;
        if ("approve".equals(decision)) {
            outcome = runs.approve(run.id(), who, comment, "true".equals(ctx.formParam("confirm_destroy")),
                    Set.copyOf(ctx.formParams("force")));
            done = "approved";
        } else if ("discard".equals(decision)) {
            outcome = runs.discard(run.id(), who, comment);
            done = "discarded";
        } else {
            render(ctx, HttpStatus.BAD_REQUEST, run, UiSupport.chrome(ctx, "Run #" + run.id())
                    .withFlash("The form said neither approve nor discard.", true), ctx.formParam("comment") == null ? ""
                    : ctx.formParam("comment"));
            return;
        }
        respond(ctx, run, outcome, done);
    }

    public void cancel(Context ctx) {
        Run run = run(ctx);
        if (run != null) {
            respond(ctx, run, runs.cancel(run.id(), Caller.principal(ctx), false), "canceled");
        }
    }

    private void respond(Context ctx, Run run, RunService.Decision outcome, String done) {
        Chrome chrome = UiSupport.chrome(ctx, "Run #" + run.id());
        String comment = ctx.formParam("comment") == null ? "" : ctx.formParam("comment");
        switch (outcome) {
            case RunService.Decision.Done d -> ctx.redirect("/runs/" + run.id() + "?done=" + done, HttpStatus.SEE_OTHER);
            case RunService.Decision.NotFound n -> ui.message(ctx, HttpStatus.NOT_FOUND, chrome, "No such run",
                    "There is no run " + n.id() + ".");
            case RunService.Decision.WrongState w -> render(ctx, HttpStatus.CONFLICT, w.run(),
                    chrome.withFlash(UiSupport.sentence(w.reason()), true), comment);
            case RunService.Decision.Forbidden f -> render(ctx, HttpStatus.FORBIDDEN, run, chrome.withFlash(UiSupport.sentence(f.reason()), true),
                    comment);
            case RunService.Decision.NeedsConfirmation c -> render(ctx, HttpStatus.CONFLICT, c.run(), chrome.withFlash(c.unforced()
                    .map(label -> "This plan changes " + label + " past its safety thresholds: tick its force box to approve it.")
                    .orElse("This plan destroys or replaces resources: tick the confirmation box to approve it."), true),
                    comment);
        }
    }

    private void render(Context ctx, HttpStatus status, Run run, Chrome chrome) {
        render(ctx, status, run, chrome, "");
    }

    /** The run page; {@code comment} is what the decision form held, shown again after a refusal. */
    private void render(Context ctx, HttpStatus status, Run run, Chrome chrome, String comment) {
        Optional<Workspace> ws = workspaces.get(run.workspace());
        RunView.Plan plan = run.summary() == null ? null : runs.plan(run.id()).map(PlanPresenter::present).orElse(null);
        List<LogLine> lines = runs.logs(run.id(), 0);
        boolean planned = run.status() == RunStatus.PLANNED;
        boolean approver = Caller.has(ctx, Role.APPROVER);
        String whyNot = approver ? runs.mayNotApprove(run, Caller.principal(ctx)).map(UiSupport::sentence).orElse(null)
                : null;
        var header = new RunView.Header(run.id(), run.workspace(), status(run.status()), run.destroy(),
                run.replace() == null ? List.of() : run.replace(), run.queuedBy(), UiSupport.when(run.queuedAt()),
                UiSupport.when(run.startedAt()), UiSupport.when(run.finishedAt()), ws.map(Workspace::template).orElse("?"),
                ws.map(w -> WorkspacePagesController.inputs(workspaces.maskedInputs(w), workspaces.template(w))).orElse(List.of()),
                run.error(), runs.waiting(run).map(UiSupport::sentence).orElse(null));
        var actions = new RunView.Actions(planned, planned && approver && whyNot == null, planned ? whyNot : null, planned && approver,
                CANCELABLE.contains(run.status()) && Caller.has(ctx, Role.OPERATOR), comment);
        var log = new RunView.Log(LogPresenter.present(lines), lines.isEmpty() ? 0 : lines.getLast().seq(), LIVE.contains(run.status()),
                LogPresenter.HIDDEN_LINE);
        ui.render(ctx, status, ui.pages().run(new RunView(chrome, header, plan, sidePlans(run), actions, decision(run), log)));
    }

    /** What extensions planned beside tofu, each as its kind's presenter shows it. */
    private List<RunView.SidePlan> sidePlans(Run run) {
        return runs.sidePlans(run.id()).stream().map(s -> new RunView.SidePlan(s.plan().kind(), s.table().title(),
                s.table().noChanges(), s.table().columns(), s.table().rows(), s.table().notes(), s.plan().forceReason(),
                s.table().forceLabel())).toList();
    }

    private static RunView.Decision decision(Run run) {
        if (run.decidedBy() != null) {
            String verb = switch (run.status()) {
                case DISCARDED -> "Discarded";
                default -> "Approved";
            };
            return new RunView.Decision(verb, run.decidedBy(), UiSupport.when(run.decidedAt()), run.decisionComment(),
                    run.destroyConfirmed());
        }
        if (run.canceledBy() != null) {
            return new RunView.Decision("Canceled", run.canceledBy(), UiSupport.when(run.finishedAt()), null, null);
        }
        return null;
    }

    private Run run(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            ui.message(ctx, HttpStatus.BAD_REQUEST, UiSupport.chrome(ctx, "Bad run id"), "Bad run id",
                    "Run ids are numbers; " + ctx.pathParam("id") + " is not one.");
            return null;
        }
        Optional<Run> run = runs.get(id);
        if (run.isEmpty()) {
            ui.message(ctx, HttpStatus.NOT_FOUND, UiSupport.chrome(ctx, "No such run"), "No such run", "There is no run " + id + ".");
            return null;
        }
        return run.get();
    }

    /** How every page shows a run's status: one label and one CSS class per status. */
    static Status status(RunStatus status) {
        String label = switch (status) {
            case QUEUED -> "queued";
            case PLANNING -> "planning";
            case PLANNED -> "needs approval";
            case PLANNED_NO_CHANGES -> "no changes";
            case APPROVED -> "approved";
            case APPLYING -> "applying";
            case APPLIED -> "applied";
            case DISCARDED -> "discarded";
            case CANCELED -> "canceled";
            case ERRORED -> "errored";
        };
        return new Status(status.wire(), label);
    }

    /** The plan's counts in a few words, or a dash before there is a plan. */
    static String changes(Run run) {
        PlanSummary s = run.summary();
        if (s == null) {
            return "—";
        }
        if (!s.hasChanges()) {
            return "no changes";
        }
        return "+" + s.adds() + " ~" + s.changes() + " ±" + s.replaces() + " −" + s.destroys();
    }
}
