package dev.baozi.orchestrator.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baozi.orchestrator.config.BaoziConfig;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/** The orchestrator's database: a connection pool, migrated by Flyway on open, used through jOOQ. */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final DSLContext dsl;

    private Database(HikariDataSource dataSource, SQLDialect dialect) {
        this.dataSource = dataSource;
        // Generated names are lower case; unquoted, they fold to each database's own case (H2
        // upper, PostgreSQL lower), so the same migrations and code run on both.
        this.dsl = DSL.using(dataSource, dialect,
                new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED));
    }

    /** Opens the pool and applies pending migrations. */
    public static Database open(BaoziConfig.Database settings) {
        var hikari = new HikariConfig();
        hikari.setJdbcUrl(settings.url());
        hikari.setUsername(settings.user());
        hikari.setPassword(settings.password());
        hikari.setMaximumPoolSize(10);
        hikari.setPoolName("baozi-db");
        hikari.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        hikari.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
        var dataSource = new HikariDataSource(hikari);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, settings.isPostgres() ? SQLDialect.POSTGRES : SQLDialect.H2);
    }

    public DSLContext dsl() {
        return dsl;
    }

    /** True when a trivial query answers within {@code timeout}. */
    public boolean isReachable(Duration timeout) {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
