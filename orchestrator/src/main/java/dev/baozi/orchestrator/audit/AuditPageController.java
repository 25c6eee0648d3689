package dev.baozi.orchestrator.audit;

import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.orchestrator.audit.AuditEvent;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.ui.view.AuditView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The audit log page (admins): who did what, filterable by who, action, target and days, a page
 * at a time (newest first; "older" continues below the page's last event).
 */
public final class AuditPageController {

    static final int PAGE = 100;

    private final AuditRepository audit;
    private final UiSupport ui;

    public AuditPageController(AuditRepository audit, UiSupport ui) {
        this.audit = audit;
        this.ui = ui;
    }

    public void page(Context ctx) {
        String actor = blankToEmpty(ctx.queryParam("actor"));
        String action = blankToEmpty(ctx.queryParam("action"));
        String target = blankToEmpty(ctx.queryParam("target"));
        String fromText = blankToEmpty(ctx.queryParam("from"));
        String toText = blankToEmpty(ctx.queryParam("to"));
        String beforeText = blankToEmpty(ctx.queryParam("before"));
        List<String> problems = new ArrayList<>();
        LocalDate from = day(fromText, "from", problems);
        LocalDate to = day(toText, "to", problems);
        Long before = null;
        if (!beforeText.isEmpty()) {
            try {
                before = Long.parseLong(beforeText);
            } catch (NumberFormatException e) {
                problems.add("before: an event number, not '" + beforeText + "'");
            }
        }
        if (from != null && to != null && to.isBefore(from)) {
            problems.add("to: the day " + to + " is before the from day " + from);
        }
        var chrome = UiSupport.chrome(ctx, "Audit log");
        if (!problems.isEmpty()) {
            ui.render(ctx, HttpStatus.BAD_REQUEST, ui.pages().audit(new AuditView(chrome.withFlash("Not filtered: "
                    + String.join("; ", problems) + ".", true), actor, action, target, fromText, toText, List.of(), PAGE, null, null)));
            return;
        }
        List<AuditEvent> events = audit.search(actor, action, target,
                from == null ? null : from.atStartOfDay().atOffset(ZoneOffset.UTC),
                to == null ? null : to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC), before, PAGE + 1);
        boolean more = events.size() > PAGE;
        List<AuditEvent> page = more ? events.subList(0, PAGE) : events;
        var rows = page.stream()
                .map(e -> new AuditView.Row(e.id(), UiSupport.when(e.occurredAt()), e.actor(), e.action(), e.target(),
                        outcome(e.outcome()), e.outcome(), e.detail()))
                .toList();
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("actor", actor);
        filters.put("action", action);
        filters.put("target", target);
        filters.put("from", fromText);
        filters.put("to", toText);
        String older = more ? href(filters, page.getLast().id()) : null;
        String newest = before == null ? null : href(filters, null);
        ui.render(ctx, HttpStatus.OK, ui.pages().audit(new AuditView(chrome, actor, action, target, fromText, toText, rows, PAGE,
                older, newest)));
    }

    /**
     * One word for what the stored outcome says, the same whatever wrote it (an HTTP status or a
     * word): succeeded, refused (not allowed), rejected (the request was wrong or came at the
     * wrong time), failed (something broke).
     */
    static String outcome(String stored) {
        if (stored == null) {
            return "unknown";
        }
        String s = stored.strip().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("ok") || s.equals("succeeded") || s.matches("2\\d\\d")) {
            return "succeeded";
        }
        if (s.equals("refused") || s.equals("401") || s.equals("403")) {
            return "refused";
        }
        if (s.matches("4\\d\\d")) {
            return "rejected";
        }
        if (s.equals("errored") || s.equals("failed") || s.matches("5\\d\\d")) {
            return "failed";
        }
        return s;
    }

    private static LocalDate day(String text, String field, List<String> problems) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(field + ": a day as yyyy-MM-dd, not '" + text + "'");
            return null;
        }
    }

    private static String href(Map<String, String> filters, Long before) {
        String query = filters.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        if (before != null) {
            query = query.isEmpty() ? "before=" + before : query + "&before=" + before;
        }
        return "/audit" + (query.isEmpty() ? "" : "?" + query);
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.strip();
    }
}
