package dev.baozi.openbao;

import com.fasterxml.jackson.databind.JsonNode;

/** One answer from OpenBao: HTTP status and JSON body (an empty object when there was none). */
public record OpenBaoResponse(int status, JsonNode body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** OpenBao's {@code errors} list as text ({@code []} when there is none); never holds request data. */
    public String errors() {
        JsonNode errors = body.path("errors");
        return errors.isMissingNode() ? "[]" : errors.toString();
    }

    /**
     * This answer if it is a success. Else, saying what was being done and OpenBao's errors: for
     * 5xx (a sealed OpenBao answers 503) and 429 an {@link OpenBaoUnavailableException}, for
     * anything else an {@link OpenBaoRefusedException}.
     */
    public OpenBaoResponse requireOk(String doing) {
        if (ok()) {
            return this;
        }
        String message = doing + ": OpenBao answered HTTP " + status + " " + errors();
        if (status >= 500 || status == 429) {
            throw new OpenBaoUnavailableException(message);
        }
        throw new OpenBaoRefusedException(message, status);
    }

    /** The JSON the request wrote, under {@code data}. */
    public JsonNode data() {
        return body.path("data");
    }

    @Override
    public String toString() {
        // Bodies may carry secrets (KV reads, tokens); only the status is safe to print.
        return "OpenBaoResponse[status=" + status + "]";
    }
}
