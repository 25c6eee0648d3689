package dev.baozi.orchestrator.dns;

import static dev.baozi.orchestrator.db.jooq.Tables.DNS_RECORD;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Record;

/** Stores each workspace's DNS records as last applied. */
public final class DnsRecordRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext dsl;

    public DnsRecordRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Every applied record in {@code zone}, with the workspace it belongs to. */
    public List<Owned> inZone(String zone) {
        return dsl.selectFrom(DNS_RECORD).where(DNS_RECORD.ZONE.eq(zone))
                .orderBy(DNS_RECORD.NAME, DNS_RECORD.RECORD_TYPE).fetch(DnsRecordRepository::toOwned);
    }

    public List<DnsRecord> ofWorkspace(long workspaceId) {
        return dsl.selectFrom(DNS_RECORD).where(DNS_RECORD.WORKSPACE_ID.eq(workspaceId))
                .orderBy(DNS_RECORD.ZONE, DNS_RECORD.NAME, DNS_RECORD.RECORD_TYPE).fetch(r -> toOwned(r).record());
    }

    /** A record and the workspace that owns it. */
    public record Owned(long workspaceId, DnsRecord record) {}

    /** Replaces the workspace's records in {@code zone} with {@code records}, in one transaction. */
    public void replace(long workspaceId, String zone, List<DnsRecord> records) {
        dsl.transaction(tx -> {
            var t = tx.dsl();
            t.deleteFrom(DNS_RECORD).where(DNS_RECORD.WORKSPACE_ID.eq(workspaceId)).and(DNS_RECORD.ZONE.eq(zone)).execute();
            for (DnsRecord r : records) {
                t.insertInto(DNS_RECORD)
                        .set(DNS_RECORD.WORKSPACE_ID, workspaceId)
                        .set(DNS_RECORD.ZONE, zone)
                        .set(DNS_RECORD.NAME, r.name())
                        .set(DNS_RECORD.RECORD_TYPE, r.type())
                        .set(DNS_RECORD.TTL, r.ttl())
                        .set(DNS_RECORD.VALUES_JSON, values(r.values()))
                        .execute();
            }
        });
    }

    /**
     * Forgets every record of a deleted workspace: their names are free for other workspaces, and
     * the next DNS apply in each of their zones takes them out of the zone. Returns how many.
     */
    public int deleteOf(long workspaceId) {
        return dsl.deleteFrom(DNS_RECORD).where(DNS_RECORD.WORKSPACE_ID.eq(workspaceId)).execute();
    }

    private static String values(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing record values as JSON", e);
        }
    }

    private static Owned toOwned(Record r) {
        try {
            List<String> values = List.of(JSON.readValue(r.get(DNS_RECORD.VALUES_JSON), String[].class));
            return new Owned(r.get(DNS_RECORD.WORKSPACE_ID), new DnsRecord(r.get(DNS_RECORD.ZONE), r.get(DNS_RECORD.NAME),
                    r.get(DNS_RECORD.RECORD_TYPE), r.get(DNS_RECORD.TTL), values));
        } catch (IOException e) {
            throw new IllegalStateException("the stored values of a DNS record are not a JSON list", e);
        }
    }
}
