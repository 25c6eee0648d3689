package dev.baozi.vars.openbao;

import com.fasterxml.jackson.databind.JsonNode;

/** One answer from OpenBao: HTTP status and JSON body (an empty object when there was none). */
public record OpenBaoResponse(int status, JsonNode body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** OpenBao's {@code errors} list as text ({@code []} when there is none); never holds request data. */
    public String errors() {
        return body.path("errors").toString();
    }

    /** This answer if it is a success, else an {@link OpenBaoRefusedException} saying what was being done. */
    public OpenBaoResponse requireOk(String doing) {
        if (ok()) {
            return this;
        }
        throw new OpenBaoRefusedException(doing + ": OpenBao answered HTTP " + status + " " + errors(), status);
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
