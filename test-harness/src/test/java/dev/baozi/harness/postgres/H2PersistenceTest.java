package dev.baozi.harness.postgres;

import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The persistence contract on the orchestrator's default database: H2, here in memory. */
class H2PersistenceTest extends PersistenceContract {

    private static final BaoziConfig.Database SETTINGS = new BaoziConfig.Database(
            "jdbc:h2:mem:persistence-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");

    private static Database database;

    @BeforeAll
    static void open() {
        database = Database.open(SETTINGS);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Override
    protected Database database() {
        return database;
    }

    @Override
    protected BaoziConfig.Database settings() {
        return SETTINGS;
    }
}
