package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The log of one run: each line tofu prints is turned into text (a {@code -json} line into its
 * {@code @message}, plus a diagnostic's detail), redacted, stored, then published to followers.
 */
public final class RunLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final long runId;
    private final RunLogRepository repository;
    private final LogBus bus;
    private final Redactor redactor;
    private final Clock clock;
    private final AtomicInteger seq;

    public RunLog(long runId, RunLogRepository repository, LogBus bus, Redactor redactor, Clock clock) {
        this.runId = runId;
        this.repository = repository;
        this.bus = bus;
        this.redactor = redactor;
        this.clock = clock;
        this.seq = new AtomicInteger(repository.lastSeq(runId));
    }

    public synchronized void line(String step, String raw) {
        String text = redactor.redact(readable(raw));
        if (text.isBlank()) {
            return;
        }
        var line = new LogLine(runId, seq.incrementAndGet(), step, OffsetDateTime.now(clock), text);
        repository.insert(line);
        bus.publish(line);
    }

    /** A JSON log line becomes "@message" (and for a diagnostic, its detail); other lines stay as they are. */
    static String readable(String raw) {
        String trimmed = raw.strip();
        if (!trimmed.startsWith("{")) {
            return raw;
        }
        try {
            JsonNode node = JSON.readTree(trimmed);
            String message = node.path("@message").asText(raw);
            JsonNode diagnostic = node.path("diagnostic");
            if (!diagnostic.isMissingNode() && diagnostic.hasNonNull("detail") && !diagnostic.path("detail").asText().isBlank()) {
                message = message + ": " + diagnostic.path("detail").asText();
            }
            return message;
        } catch (IOException e) {
            return raw;
        }
    }
}
