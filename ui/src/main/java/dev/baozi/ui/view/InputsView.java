package dev.baozi.ui.view;

import java.util.List;

/**
 * The form that creates a workspace ({@code workspace} null) or edits a workspace's inputs: one
 * field per variable of its template. Without a chosen template (creating, {@code template}
 * null) it only offers the templates. {@code problems} are the refusals no single field owns.
 */
public record InputsView(Chrome chrome, String workspace, String template, List<String> templates, String name,
                         String provider, List<Field> fields, List<String> problems) {

    public boolean creating() {
        return workspace == null;
    }

    /**
     * One variable's field. {@code kind} picks the control: {@code string}, {@code number},
     * {@code bool} (a choice of true, false or the default) or {@code json} (lists, maps and
     * {@code any}, as JSON text). {@code value} is what the field holds: the typed text after a
     * refusal, else the current value; always empty for a sensitive variable, whose current value
     * is never sent ({@code isSet} says whether it has one). {@code error} is what was wrong with it.
     */
    public record Field(String name, String kind, String type, String description, boolean required, String defaultText,
                        boolean sensitive, boolean isSet, String value, String error) {

        public String id() {
            return "var-" + name;
        }
    }
}
