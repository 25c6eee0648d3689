package dev.baozi.ui;

import dev.baozi.ui.view.AuditView;
import dev.baozi.ui.view.InputsView;
import dev.baozi.ui.view.LoginView;
import dev.baozi.ui.view.MessageView;
import dev.baozi.ui.view.MigrateView;
import dev.baozi.ui.view.MigrationView;
import dev.baozi.ui.view.MigrationsView;
import dev.baozi.ui.view.PasswordView;
import dev.baozi.ui.view.PoolsView;
import dev.baozi.ui.view.RunView;
import dev.baozi.ui.view.WorkspaceView;
import dev.baozi.ui.view.WorkspacesView;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * Renders the UI's pages, one method per page taking that page's view record from
 * {@link dev.baozi.ui.view}. The templates are compiled to Java when the {@code ui} module is
 * built (nothing is compiled at run time).
 */
public final class Pages {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    public String login(LoginView view) {
        return render("login.jte", view);
    }

    public String password(PasswordView view) {
        return render("password.jte", view);
    }

    public String workspaces(WorkspacesView view) {
        return render("workspaces.jte", view);
    }

    public String workspace(WorkspaceView view) {
        return render("workspace.jte", view);
    }

    public String inputs(InputsView view) {
        return render("inputs.jte", view);
    }

    public String run(RunView view) {
        return render("run.jte", view);
    }

    public String audit(AuditView view) {
        return render("audit.jte", view);
    }

    public String pools(PoolsView view) {
        return render("pools.jte", view);
    }

    /** Moving a deployment to another provider: choose the target. */
    public String migrate(MigrateView view) {
        return render("migrate.jte", view);
    }

    public String migrations(MigrationsView view) {
        return render("migrations.jte", view);
    }

    public String migration(MigrationView view) {
        return render("migration.jte", view);
    }

    /** A page with a heading and a sentence: an error, a refusal, a confirmation. */
    public String message(MessageView view) {
        return render("message.jte", view);
    }

    private String render(String template, Object view) {
        var out = new StringOutput(16 * 1024);
        engine.render(template, view, out);
        return out.toString();
    }
}
