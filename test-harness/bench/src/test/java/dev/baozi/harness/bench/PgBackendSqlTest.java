package dev.baozi.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgBackendSqlTest {

    @Test
    void the_creation_lock_id_is_the_negated_32_bit_fnv1_hash_of_the_quoted_schema_name() {
        // FNV-1 (multiply, then xor) of "\"terraform_remote_state\"", the backend's default schema, computed apart.
        assertThat(PgBackendSql.creationLockId("\"terraform_remote_state\"")).isEqualTo(-910070892L);
        assertThat(PgBackendSql.creationLockId("\"bench\"")).isEqualTo(-2886275201L);
    }
}
