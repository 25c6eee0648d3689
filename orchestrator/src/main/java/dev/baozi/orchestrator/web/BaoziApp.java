package dev.baozi.orchestrator.web;

import static io.javalin.apibuilder.ApiBuilder.get;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baozi.orchestrator.health.HealthController;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Javalin app: the route table with each route's access rule, and JSON errors. */
public final class BaoziApp {

    private static final Logger log = LoggerFactory.getLogger(BaoziApp.class);

    private final HealthController health;

    public BaoziApp(HealthController health) {
        this.health = health;
    }

    public static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public Javalin create(String host, int port) {
        return Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(objectMapper(), false));

            config.routes.beforeMatched(ctx -> {
                if (ctx.routeRoles().isEmpty()) {
                    throw new HttpResponseException(HttpStatus.FORBIDDEN.getCode(),
                            "this route declares no access rule, so nobody may call it");
                }
            });

            config.routes.apiBuilder(() -> {
                get("/healthz", health::healthz, Access.PUBLIC);
                get("/readyz", health::readyz, Access.PUBLIC);
            });

            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    ctx.status(e.getStatus()).json(new ErrorBody(e.getMessage())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("handling {} {}", ctx.method(), ctx.path(), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                        .json(new ErrorBody("the orchestrator hit an internal error; see its log"));
            });
        });
    }
}
