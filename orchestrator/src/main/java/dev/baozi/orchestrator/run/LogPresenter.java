package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.run.LogLine;
import dev.baozi.ui.view.RunView;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a run's stored log into the log its page shows: each line with its time of day (UTC), and
 * without what only distracts a reviewer: tofu's advice about its lock file, the warning box
 * about provider checksums for other platforms (Baozi installs from its own mirror, so they never
 * apply), and tofu's own "Plan: …" count, which counts a replace as an add and a destroy and so
 * disagrees with Baozi's "plan ready: …" line that stays. The stored log keeps every line.
 */
public final class LogPresenter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /**
     * Single lines never shown. The run page hands the same expression to its script, which
     * hides them from the live log as well.
     */
    public static final String HIDDEN_LINE = "^(OpenTofu has created a lock file \\.terraform\\.lock\\.hcl"
            + "|selections it made above\\. Include this file in your version control"
            + "|so that OpenTofu can guarantee to make the same selections by default"
            + "|you run \"tofu init\" in the future\\."
            + "|Plan: \\d+ to (import|add|change|destroy)"
            + "|Warning: Incomplete lock file information for providers)"; // the checksum warning as tofu -json writes it: one line

    private static final Pattern HIDDEN = Pattern.compile(HIDDEN_LINE);
    /** What marks a warning box (tofu's ╷ … ╵) as checksum noise. */
    private static final Pattern NOISE_BOX = Pattern.compile("lock file information|lock file checksums|tofu providers lock");

    private LogPresenter() {}

    public static List<RunView.LogLine> present(List<LogLine> lines) {
        List<RunView.LogLine> out = new ArrayList<>();
        List<LogLine> box = null;
        for (LogLine line : lines) {
            String text = line.line().strip();
            if (box != null) {
                box.add(line);
                if (text.equals("╵")) {
                    keepUnlessNoise(box, out);
                    box = null;
                }
            } else if (text.equals("╷")) {
                box = new ArrayList<>(List.of(line));
            } else if (!HIDDEN.matcher(text).find()) {
                out.add(view(line));
            }
        }
        if (box != null) { // a box still being written: show it as it is
            box.forEach(l -> out.add(view(l)));
        }
        return out;
    }

    private static void keepUnlessNoise(List<LogLine> box, List<RunView.LogLine> out) {
        boolean noise = box.stream().anyMatch(l -> NOISE_BOX.matcher(l.line()).find());
        if (!noise) {
            box.forEach(l -> out.add(view(l)));
        }
    }

    private static RunView.LogLine view(LogLine line) {
        return new RunView.LogLine(line.seq(), line.at() == null ? "" : TIME.format(line.at().withOffsetSameInstant(ZoneOffset.UTC)),
                line.step(), line.line());
    }
}
