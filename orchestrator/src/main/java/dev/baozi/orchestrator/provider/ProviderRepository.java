package dev.baozi.orchestrator.provider;

import static dev.baozi.orchestrator.db.jooq.Tables.PROVIDER;

import dev.baozi.orchestrator.db.jooq.tables.records.ProviderRecord;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jooq.DSLContext;

/** Stores providers (never their token secrets: those are in OpenBao). */
public final class ProviderRepository {

    private final DSLContext dsl;

    public ProviderRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public Provider insert(NewProvider p, String createdBy, OffsetDateTime at) {
        return toProvider(dsl.insertInto(PROVIDER)
                .set(PROVIDER.NAME, p.name())
                .set(PROVIDER.ENDPOINT, p.endpoint().toString())
                .set(PROVIDER.TOKEN_ID, p.token().tokenId())
                .set(PROVIDER.TLS_MODE, p.tls().mode())
                .set(PROVIDER.TLS_CA_PEM, p.tls() instanceof TlsSettings.CaCertificate ca ? ca.pem() : null)
                .set(PROVIDER.TLS_FINGERPRINT, p.tls() instanceof TlsSettings.PinnedFingerprint pin ? pin.sha256() : null)
                .set(PROVIDER.DEFAULT_NODE, p.defaultNode())
                .set(PROVIDER.TEMPLATE_VMID, p.templateVmid().isPresent() ? p.templateVmid().getAsInt() : null)
                .set(PROVIDER.BACKUP_STORAGE, p.backupStorage())
                .set(PROVIDER.CREATED_BY, createdBy)
                .set(PROVIDER.CREATED_AT, at)
                .returning()
                .fetchOne());
    }

    public Optional<Provider> byName(String name) {
        return dsl.selectFrom(PROVIDER).where(PROVIDER.NAME.eq(name)).fetchOptional(ProviderRepository::toProvider);
    }

    public List<Provider> all() {
        return dsl.selectFrom(PROVIDER).orderBy(PROVIDER.NAME).fetch(ProviderRepository::toProvider);
    }

    /** Deletes the provider; false when there was none of that name. */
    public boolean delete(String name) {
        return dsl.deleteFrom(PROVIDER).where(PROVIDER.NAME.eq(name)).execute() > 0;
    }

    private static Provider toProvider(ProviderRecord r) {
        TlsSettings tls = switch (r.getTlsMode()) {
            case "system" -> new TlsSettings.SystemTrust();
            case "ca" -> new TlsSettings.CaCertificate(r.getTlsCaPem());
            case "fingerprint" -> new TlsSettings.PinnedFingerprint(r.getTlsFingerprint());
            case "insecure" -> new TlsSettings.Insecure();
            default -> throw new IllegalStateException("provider " + r.getName() + " has an unknown tls_mode '" + r.getTlsMode() + "'");
        };
        return new Provider(r.getId(), r.getName(), URI.create(r.getEndpoint()), r.getTokenId(), tls, r.getDefaultNode(),
                r.getTemplateVmid() == null ? OptionalInt.empty() : OptionalInt.of(r.getTemplateVmid()), r.getCreatedBy(),
                r.getCreatedAt(), r.getBackupStorage());
    }
}
