package dev.baozi.harness.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The persistence contract on a real PostgreSQL (one throwaway cluster for the class), same migrations. */
@Tag("slow")
class PostgresPersistenceTest extends PersistenceContract {

    private static PostgresServer postgres;
    private static Database database;

    @BeforeAll
    static void start() {
        postgres = PostgresServer.start();
        database = Database.open(postgres.settings());
    }

    @AfterAll
    static void stop() {
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Override
    protected Database database() {
        return database;
    }

    @Override
    protected BaoziConfig.Database settings() {
        return postgres.settings();
    }

    @Test
    void the_tables_are_owned_by_the_non_superuser_in_the_public_schema_under_lower_case_names() {
        var tables = database.dsl().resultQuery(
                "select tablename, tableowner from pg_tables where schemaname = 'public' order by tablename").fetch();

        assertThat(tables.getValues(0, String.class))
                .contains("audit_event", "state_token", "flyway_schema_history");
        assertThat(tables.getValues(1, String.class)).containsOnly(postgres.user());
        assertThat(database.dsl().fetchValue(DSL.field("(select rolsuper from pg_roles where rolname = current_user)",
                Boolean.class))).isFalse();
    }
}
