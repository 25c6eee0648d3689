package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.given;
import static dev.baozi.orchestrator.cli.OptionValues.number;

import dev.baozi.orchestrator.cli.OptionValues.WorkspaceOption;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baozi migrate …}: move a deployment to another provider, step by step, each risky step approved. */
@Command(name = "migrate", description = "Migrations: move a deployment to another provider.")
record MigrateCommands(BaoziCli cli) {

    private static final String COMMENT = "Kept on the migration's timeline with the decision.";

    /** {@code --id N}, for the commands that act on one migration of a workspace. */
    static final class MigrationOption {

        @Mixin
        private WorkspaceOption workspace;

        @Option(names = "--id", required = true, paramLabel = "N", description = "The migration's number.")
        private String id;

        /** "/workspaces/{W}/migrations/{N}". */
        String path() throws UsageException {
            return workspace.path() + "/migrations/" + number("--id", id);
        }
    }

    @Command(name = "plan", description = "Ask for a migration to another provider; its plan step starts. Review it with migrate show.")
    int plan(@Mixin WorkspaceOption workspace,
            @Option(names = "--target-provider", required = true, paramLabel = "P", description = "The provider to move to.")
            String provider,
            @Option(names = "--pool", required = true, paramLabel = "PREFIX", description = "The NetBox prefix the new address comes from.")
            String pool,
            @Option(names = "--storage", required = true, paramLabel = "S", description = "The target storage (or src:dst pairs).")
            String storage,
            @Option(names = "--bridge", required = true, paramLabel = "B", description = "The target bridge (or src:dst pairs).")
            String bridge) throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode()
                .put("target_provider", given("--target-provider", provider))
                .put("target_pool", given("--pool", pool))
                .put("target_storage", given("--storage", storage))
                .put("target_bridge", given("--bridge", bridge));
        return cli.send("POST", workspace.path() + "/migrations", body.toString());
    }

    @Command(name = "list", description = "The workspace's migrations, newest first.")
    int list(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        return cli.send("GET", workspace.path() + "/migrations", null);
    }

    @Command(name = "show", description = "A migration as JSON: where it stands, its plan, its timeline.")
    int show(@Mixin MigrationOption migration) throws UsageException, IOException, InterruptedException {
        return cli.send("GET", migration.path(), null);
    }

    @Command(name = "approve", description = "Approve the step the migration waits at (plan, cutover, switch_dns).")
    int approve(@Mixin MigrationOption migration,
            @Option(names = "--step", required = true, paramLabel = "STEP", description = "The step to approve.") String step,
            @Option(names = "--comment", paramLabel = "C", description = COMMENT) String comment)
            throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode().put("step", given("--step", step))
                .put("comment", comment == null ? "" : comment);
        return cli.send("POST", migration.path() + "/approve", body.toString());
    }

    @Command(name = "skip-wait", description = "End a wait early (the old TTL passing, the soak).")
    int skipWait(@Mixin MigrationOption migration, @Option(names = "--comment", paramLabel = "C", description = COMMENT) String comment)
            throws UsageException, IOException, InterruptedException {
        return cli.send("POST", migration.path() + "/skip-wait",
                OrchestratorClient.JSON.createObjectNode().put("comment", comment == null ? "" : comment).toString());
    }

    @Command(name = "retry", description = "Run a refused (paused) step again.")
    int retry(@Mixin MigrationOption migration) throws UsageException, IOException, InterruptedException {
        return cli.send("POST", migration.path() + "/retry", null);
    }

    @Command(name = "rollback", description = "Roll the migration back to its source (until decommission starts).")
    int rollback(@Mixin MigrationOption migration, @Option(names = "--comment", paramLabel = "C", description = COMMENT) String comment)
            throws UsageException, IOException, InterruptedException {
        return cli.send("POST", migration.path() + "/rollback",
                OrchestratorClient.JSON.createObjectNode().put("comment", comment == null ? "" : comment).toString());
    }

    @Command(name = "decommission", description = "After the soak: destroy the source VM and release its address.")
    int decommission(@Mixin MigrationOption migration,
            @Option(names = "--confirm-destroy", arity = "0", description = "Needed: the source VM is destroyed.") boolean confirm,
            @Option(names = "--comment", paramLabel = "C", description = COMMENT) String comment)
            throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode().put("confirm_destroy", confirm)
                .put("comment", comment == null ? "" : comment);
        return cli.send("POST", migration.path() + "/decommission", body.toString());
    }
}
