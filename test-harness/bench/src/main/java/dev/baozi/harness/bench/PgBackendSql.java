package dev.baozi.harness.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SQL OpenTofu's built-in {@code pg} backend sends for a lock cycle, made straight over JDBC
 * with the PostgreSQL driver (read from opentofu {@code internal/backend/remote-state/pg}): its
 * table ({@code id bigint} from a global sequence, {@code name text unique}, {@code data text}),
 * a LOCK that takes a session advisory lock on the row's id together with the schema's creation
 * lock and then releases the creation lock (two statements), a GET that selects {@code data}, a
 * POST that upserts it, and an UNLOCK that releases the row's advisory lock (one statement).
 * Each bench client has its own connection, as each tofu process has its own.
 */
final class PgBackendSql implements AutoCloseable {

    static final String SCHEMA = "bench";
    private static final String QUOTED_SCHEMA = "\"" + SCHEMA + "\"";

    private final String url;
    private final String user;
    private final String password;
    private final Session[] sessions;
    /** LOCKs that found the schema's creation lock taken by another client and were retried at once. */
    private final AtomicLong creationLockRetries = new AtomicLong();

    PgBackendSql(String url, String user, String password, int clients) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.sessions = new Session[clients];
    }

    /** Creates the schema, sequence, table and index as the backend's {@code configure} does, and one row per name. */
    void prepare(List<String> names, byte[] initialState) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + QUOTED_SCHEMA);
            s.execute("CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint");
            s.execute("CREATE TABLE IF NOT EXISTS " + QUOTED_SCHEMA + ".states (id bigint NOT NULL DEFAULT"
                    + " nextval('public.global_states_id_seq') PRIMARY KEY, name text UNIQUE, data text)");
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS states_by_name ON " + QUOTED_SCHEMA + ".states (name)");
        }
        Session setup = new Session(connect());
        try {
            for (String name : names) {
                setup.put(name, new String(initialState, StandardCharsets.UTF_8));
            }
        } finally {
            setup.close();
        }
    }

    /** Client {@code client}'s session (its own connection), opened on first use. */
    synchronized Session session(int client) throws SQLException {
        if (sessions[client] == null) {
            sessions[client] = new Session(connect());
        }
        return sessions[client];
    }

    long creationLockRetries() {
        return creationLockRetries.get();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public synchronized void close() throws SQLException {
        List<SQLException> failures = new ArrayList<>();
        for (Session s : sessions) {
            if (s != null) {
                try {
                    s.close();
                } catch (SQLException e) {
                    failures.add(e);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }

    /** The schema's creation lock id: FNV-1 (32 bit) of the quoted schema name, negated, as the backend computes it. */
    static long creationLockId(String quotedSchema) {
        int hash = 0x811c9dc5;
        for (byte b : quotedSchema.getBytes(StandardCharsets.UTF_8)) {
            hash *= 0x01000193;
            hash ^= b & 0xff;
        }
        return -Integer.toUnsignedLong(hash);
    }

    /** One client's connection and its statements. */
    final class Session implements AutoCloseable {

        private final Connection connection;
        private final long creationLock = creationLockId(QUOTED_SCHEMA);
        private final PreparedStatement lock;
        private final PreparedStatement get;
        private final PreparedStatement put;
        private final Statement plain;

        private Session(Connection connection) throws SQLException {
            this.connection = connection;
            this.lock = connection.prepareStatement("SELECT states.id, pg_try_advisory_lock(states.id),"
                    + " pg_try_advisory_lock(" + creationLock + ") FROM " + QUOTED_SCHEMA + ".states"
                    + " WHERE states.name = ?");
            this.get = connection.prepareStatement("SELECT data FROM " + QUOTED_SCHEMA + ".states WHERE name = ?");
            // The backend binds its $2 twice; EXCLUDED.data is the same value, sent once as lib/pq sends it.
            this.put = connection.prepareStatement("INSERT INTO " + QUOTED_SCHEMA + ".states (name, data) VALUES (?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data WHERE states.name = EXCLUDED.name");
            this.plain = connection.createStatement();
        }

        /**
         * The backend's LOCK of an existing workspace: both advisory locks in one statement, then
         * the creation lock released; retried at once (and counted) while another client holds
         * the creation lock. Returns the row's id, which UNLOCK releases.
         */
        long lock(String name) throws SQLException {
            while (true) {
                long id;
                boolean didLock;
                boolean didLockForCreate;
                lock.setString(1, name);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("the pg backend's table has no row " + name
                                + "; the bench writes one for every workspace before it measures");
                    }
                    id = rs.getLong(1);
                    didLock = rs.getBoolean(2);
                    didLockForCreate = rs.getBoolean(3);
                }
                if (!didLock) {
                    advisoryUnlock(creationLock);
                    throw new IllegalStateException("workspace " + name + " is already locked in the pg backend's"
                            + " table; each bench client locks only its own");
                }
                if (!didLockForCreate) {
                    advisoryUnlock(id);
                    creationLockRetries.incrementAndGet();
                    continue;
                }
                advisoryUnlock(creationLock);
                return id;
            }
        }

        String get(String name) throws SQLException {
            get.setString(1, name);
            try (ResultSet rs = get.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the pg backend's table has no row " + name);
                }
                return rs.getString(1);
            }
        }

        void put(String name, String data) throws SQLException {
            put.setString(1, name);
            put.setString(2, data);
            put.executeUpdate();
        }

        /** The backend's UNLOCK: releases the advisory lock LOCK took on the row's id. */
        void unlock(long id) throws SQLException {
            advisoryUnlock(id);
        }

        private void advisoryUnlock(long key) throws SQLException {
            try (ResultSet rs = plain.executeQuery("SELECT pg_advisory_unlock(" + key + ")")) {
                rs.next();
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
