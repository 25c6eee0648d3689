package dev.baozi.orchestrator.health;

import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.openbao.SealState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checks the parts the orchestrator cannot serve without: its database, and OpenBao reachable and unsealed. */
public final class ReadinessService {

    private static final Duration DB_TIMEOUT = Duration.ofSeconds(2);

    private final Database database;
    private final BaoziConfig.OpenBao openbao;

    public ReadinessService(Database database, BaoziConfig.OpenBao openbao) {
        this.database = database;
        this.openbao = openbao;
    }

    public Readiness check() {
        Map<String, Readiness.Check> checks = new LinkedHashMap<>();
        checks.put("database", database.isReachable(DB_TIMEOUT)
                ? new Readiness.Check(true, "reachable")
                : new Readiness.Check(false, "no answer within " + DB_TIMEOUT.toSeconds() + "s"));
        checks.put("openbao", switch (OpenBaoSession.sealState(openbao.connection())) {
            case SealState.Unsealed u -> new Readiness.Check(true, "reachable and unsealed");
            case SealState.Sealed s -> new Readiness.Check(false, "sealed");
            case SealState.Unreachable u -> new Readiness.Check(false, "unreachable: " + u.reason());
        });
        boolean ready = checks.values().stream().allMatch(Readiness.Check::ok);
        return new Readiness(ready, checks);
    }
}
