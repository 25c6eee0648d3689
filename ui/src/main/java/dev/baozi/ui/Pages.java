package dev.baozi.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * Renders the UI's templates, compiled to Java when the {@code ui} module is built (nothing is
 * compiled at run time). Each template takes one view record from {@link dev.baozi.ui.view}.
 */
public final class Pages {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** The HTML of {@code template} (e.g. {@code "run.jte"}) for {@code view}. */
    public String render(String template, Object view) {
        var out = new StringOutput(16 * 1024);
        engine.render(template, view, out);
        return out.toString();
    }
}
