package dev.baozi.harness.vars;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.vars.GenerateReport;
import dev.baozi.vars.GenerateRequest;
import dev.baozi.vars.VarListing;
import dev.baozi.vars.VarsService;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.generate.Certificates;
import dev.baozi.vars.generate.FileValue;
import dev.baozi.openbao.KvMetadata;
import dev.baozi.openbao.KvV2;
import dev.baozi.vars.store.CommitOutcome;
import dev.baozi.vars.store.DeploymentName;
import dev.baozi.vars.store.GeneratorCheck;
import dev.baozi.vars.store.GeneratorStatus;
import dev.baozi.vars.store.Inspection;
import dev.baozi.vars.store.Manifest;
import dev.baozi.vars.store.Placement;
import dev.baozi.vars.store.Repair;
import dev.baozi.vars.store.RollbackOutcome;
import dev.baozi.vars.store.StoreProblem;
import dev.baozi.vars.store.ValidationHash;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The vars verbs against a real OpenBao, run with the orchestrator's own AppRole token. */
@Tag("openbao")
class VarsVerbsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHOP = """
            {"generators": {
              "{ca}": {"kind": "ca", "share": true, "params": {"subject": "CN=Shop CA"}},
              "web": {"kind": "ca-signed-certificate", "params": {"ca": "{ca}", "subject": "web.shop.example",
                      "sans": ["web.shop.example"]}},
              "db": {"kind": "password", "params": {"length": 24}}
            }}""";

    private static VarsFixture fx;
    private static VarsService vars;

    @BeforeAll
    static void start() throws Exception {
        fx = VarsFixture.start();
        vars = fx.service();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** The SHOP definitions with a CA of its own, generated for a fresh deployment. */
    private record Shop(String ca, GeneratorSet set, DeploymentName deployment) {}

    private static Shop generatedShop() {
        String ca = VarsFixture.unique("ca");
        GeneratorSet set = VarsFixture.definitions(SHOP, "ca", ca);
        DeploymentName shop = VarsFixture.deployment("shop");
        vars.generate(shop, set, GenerateRequest.all());
        return new Shop(ca, set, shop);
    }

    private static GeneratorName name(String n) {
        return GeneratorName.of(n);
    }

    private static String get(DeploymentName d, GeneratorSet set, String generator, String file) {
        return vars.get(d, set, name(generator), file).orElseThrow().text();
    }

    private static Map<GeneratorName, GeneratorStatus> statuses(DeploymentName d, GeneratorSet set) {
        var m = new java.util.LinkedHashMap<GeneratorName, GeneratorStatus>();
        vars.check(d, set).forEach(c -> m.put(c.generator(), c.status()));
        return m;
    }

    private static X509Certificate cert(String pem) {
        return Certificates.readCertificate(pem);
    }

    @Test
    void a_ca_and_the_certificate_it_signs_are_generated_in_dependency_order_and_the_signature_verifies() throws Exception {
        String ca = VarsFixture.unique("ca");
        GeneratorSet set = VarsFixture.definitions(SHOP, "ca", ca);
        DeploymentName shop = VarsFixture.deployment("shop");

        GenerateReport report = vars.generate(shop, set, GenerateRequest.all());

        assertThat(report.generated()).containsExactlyInAnyOrder(name(ca), name("web"), name("db"));
        assertThat(report.generated().indexOf(name(ca))).isLessThan(report.generated().indexOf(name("web")));
        X509Certificate caCert = cert(get(shop, set, ca, "cert.pem"));
        X509Certificate webCert = cert(get(shop, set, "web", "cert.pem"));
        webCert.verify(caCert.getPublicKey());
        assertThat(webCert.getIssuerX500Principal()).isEqualTo(caCert.getSubjectX500Principal());
        assertThat(get(shop, set, "web", "ca.pem")).isEqualTo(get(shop, set, ca, "cert.pem"));
        assertThat(statuses(shop, set).values()).allMatch(s -> s instanceof GeneratorStatus.Ok);
        assertThat(vars.generate(shop, set, GenerateRequest.all()).outcomes())
                .allMatch(o -> o instanceof GenerateReport.UpToDate);
    }

    @Test
    void shared_and_per_deployment_files_are_laid_out_as_in_clan_and_shared_ones_are_made_once() throws Exception {
        String ca = VarsFixture.unique("ca");
        GeneratorSet set = VarsFixture.definitions(SHOP, "ca", ca);
        DeploymentName one = VarsFixture.deployment("one");
        DeploymentName two = VarsFixture.deployment("two");
        vars.generate(one, set, GenerateRequest.all());

        GenerateReport second = vars.generate(two, set, GenerateRequest.all());

        assertThat(second.outcomes()).filteredOn(o -> o.generator().equals(name(ca)))
                .singleElement().isInstanceOf(GenerateReport.UpToDate.class);
        KvV2 kv = fx.rootKv();
        assertThat(kv.list("vars/shared/")).contains(ca + "/");
        assertThat(kv.list("vars/shared/" + ca + "/")).containsExactlyInAnyOrder("_manifest", "cert.pem");
        assertThat(kv.list("vars/private/shared/" + ca + "/")).as("the CA's key never goes to a machine").containsExactly("key.pem");
        assertThat(kv.list("vars/per-deployment/")).contains(one + "/", two + "/");
        assertThat(kv.list("vars/per-deployment/" + one + "/")).containsExactlyInAnyOrder("db/", "web/");
        assertThat(kv.list("vars/per-deployment/" + one + "/web/"))
                .containsExactlyInAnyOrder("_manifest", "ca.pem", "cert.pem", "key.pem");
        assertThat(kv.read("vars/per-deployment/" + one + "/db/password", 0).orElseThrow().data().path("value").asText())
                .isEqualTo(get(one, set, "db", "password"));
        assertThat(get(one, set, "db", "password")).isNotEqualTo(get(two, set, "db", "password"));
        X509Certificate caCert = cert(get(one, set, ca, "cert.pem"));
        cert(get(one, set, "web", "cert.pem")).verify(caCert.getPublicKey());
        cert(get(two, set, "web", "cert.pem")).verify(caCert.getPublicKey());
    }

    @Test
    void regenerating_the_ca_regenerates_the_certificate_it_signed() throws Exception {
        Shop fresh = generatedShop();
        String ca = fresh.ca();
        GeneratorSet set = fresh.set();
        DeploymentName shop = fresh.deployment();
        X509Certificate oldCa = cert(get(shop, set, ca, "cert.pem"));
        String oldDb = get(shop, set, "db", "password");

        GenerateReport report = vars.generate(shop, set, GenerateRequest.only(name(ca)).regenerating());

        assertThat(report.outcomes()).containsExactly(
                new GenerateReport.Generated(name(ca), new Placement.Shared(java.util.Set.of("key.pem")), "regenerated on request"),
                new GenerateReport.Generated(name("web"), new Placement.PerDeployment(shop),
                        "outdated: generator " + ca + " has new values since"));
        X509Certificate newCa = cert(get(shop, set, ca, "cert.pem"));
        X509Certificate web = cert(get(shop, set, "web", "cert.pem"));
        web.verify(newCa.getPublicKey());
        Assertions.assertThatThrownBy(() -> web.verify(oldCa.getPublicKey())).isInstanceOf(SignatureException.class);
        assertThat(get(shop, set, "db", "password")).isEqualTo(oldDb);
    }

    @Test
    void a_dependency_regenerated_alone_leaves_its_dependents_outdated_naming_it() {
        Shop fresh = generatedShop();
        String ca = fresh.ca();
        GeneratorSet set = fresh.set();
        DeploymentName shop = fresh.deployment();

        vars.generate(shop, set, GenerateRequest.only(name(ca)).regenerating().withoutDependents());

        assertThat(statuses(shop, set)).containsEntry(name("web"),
                new GeneratorStatus.Outdated("generator " + ca + " has new values since"));
        assertThat(vars.generate(shop, set, GenerateRequest.all()).generated()).containsExactly(name("web"));
    }

    @Test
    void a_changed_definition_makes_its_generator_outdated_and_generate_remakes_it() {
        DeploymentName shop = VarsFixture.deployment("shop");
        String def = """
                {"generators": {"db": {"kind": "password", "params": {"length": %d}}}}""";
        GeneratorSet before = VarsFixture.definitions(def.formatted(20));
        GeneratorSet after = VarsFixture.definitions(def.formatted(30));
        vars.generate(shop, before, GenerateRequest.all());

        assertThat(statuses(shop, after)).containsEntry(name("db"), new GeneratorStatus.Outdated("its definition changed"));
        assertThat(vars.generate(shop, after, GenerateRequest.all()).outcomes()).containsExactly(
                new GenerateReport.Generated(name("db"), new Placement.PerDeployment(shop), "outdated: its definition changed"));
        assertThat(get(shop, after, "db", "password")).hasSize(30);
    }

    @Test
    void rollback_brings_back_the_previous_files_and_the_dependents_match_them_again() {
        Shop fresh = generatedShop();
        String ca = fresh.ca();
        GeneratorSet set = fresh.set();
        DeploymentName shop = fresh.deployment();
        String ca1 = get(shop, set, ca, "cert.pem");
        String web1 = get(shop, set, "web", "cert.pem");
        String key1 = get(shop, set, "web", "key.pem");
        vars.generate(shop, set, GenerateRequest.only(name(ca)).regenerating());
        assertThat(get(shop, set, "web", "cert.pem")).isNotEqualTo(web1);

        RollbackOutcome caBack = vars.rollback(shop, set, name(ca));

        assertThat(caBack).isInstanceOf(RollbackOutcome.RolledBack.class);
        assertThat(get(shop, set, ca, "cert.pem")).isEqualTo(ca1);
        assertThat(statuses(shop, set)).containsEntry(name(ca), new GeneratorStatus.Ok())
                .containsEntry(name("web"), new GeneratorStatus.Outdated("generator " + ca + " has new values since"));

        assertThat(vars.rollback(shop, set, name("web"))).isInstanceOf(RollbackOutcome.RolledBack.class);

        assertThat(get(shop, set, "web", "cert.pem")).isEqualTo(web1);
        assertThat(get(shop, set, "web", "key.pem")).isEqualTo(key1);
        assertThat(statuses(shop, set).values()).allMatch(s -> s instanceof GeneratorStatus.Ok);
        assertThat(vars.rollback(shop, set, name(ca)))
                .isEqualTo(new RollbackOutcome.NothingToRollBack("generator " + ca + " (shared) has no earlier generation"));
    }

    @Test
    void check_finds_missing_and_partial_generators_and_fix_repairs_them() {
        DeploymentName shop = VarsFixture.deployment("shop");
        GeneratorSet set = VarsFixture.definitions("""
                {"generators": {
                  "db": {"kind": "password"},
                  "api": {"kind": "hex-token"},
                  "tls": {"kind": "self-signed-certificate", "params": {"subject": "tls"}},
                  "never": {"kind": "base64-token"}
                }}""");
        vars.generate(shop, set, GenerateRequest.only(name("db"), name("api")));
        String committedDb = get(shop, set, "db", "password");
        KvV2 kv = fx.rootKv();
        String base = "vars/per-deployment/" + shop + "/";
        // A crash after writing files: a first generation of tls never committed, a regeneration of db half-done.
        kv.put(base + "tls/key.pem", JSON.createObjectNode().put("value", "left-over key"));
        kv.put(base + "db/password", JSON.createObjectNode().put("value", "uncommitted"));
        // Someone deleted the committed version of api's token.
        kv.deleteLatest(base + "api/token");

        Map<GeneratorName, GeneratorStatus> found = statuses(shop, set);

        assertThat(found.get(name("never"))).isEqualTo(new GeneratorStatus.Missing());
        assertThat(found.get(name("tls"))).isEqualTo(new GeneratorStatus.Partial(List.of(
                new StoreProblem.NoManifest(List.of(base + "tls/key.pem")))));
        assertThat(found.get(name("db"))).isEqualTo(new GeneratorStatus.Partial(List.of(
                new StoreProblem.Uncommitted(base + "db/password", List.of(2L)))));
        assertThat(found.get(name("api"))).isEqualTo(new GeneratorStatus.Partial(List.of(
                new StoreProblem.VersionGone(base + "api/token", 1, KvMetadata.VersionState.DELETED))));
        assertThat(get(shop, set, "db", "password")).as("readers go through the manifest").isEqualTo(committedDb);

        List<Repair> repairs = vars.fix(shop, set);

        assertThat(repairs).containsExactlyInAnyOrder(
                new Repair.Dropped(base + "tls/key.pem", List.of()),
                new Repair.Dropped(base + "db/password", List.of(2L)),
                new Repair.Restored(base + "api/token", List.of(1L)));
        Map<GeneratorName, GeneratorStatus> after = statuses(shop, set);
        assertThat(after.get(name("db"))).isEqualTo(new GeneratorStatus.Ok());
        assertThat(after.get(name("api"))).isEqualTo(new GeneratorStatus.Ok());
        assertThat(after.get(name("tls"))).isEqualTo(new GeneratorStatus.Missing());
        assertThat(kv.metadata(base + "db/password").orElseThrow().state(2)).isEqualTo(KvMetadata.VersionState.DESTROYED);
        assertThat(get(shop, set, "db", "password")).isEqualTo(committedDb);
        assertThat(vars.generate(shop, set, GenerateRequest.all()).generated())
                .containsExactlyInAnyOrder(name("tls"), name("never"));
    }

    @Test
    void a_destroyed_committed_version_cannot_be_fixed_so_generate_makes_new_values() {
        DeploymentName shop = VarsFixture.deployment("shop");
        GeneratorSet set = VarsFixture.definitions("""
                {"generators": {"db": {"kind": "password"}}}""");
        vars.generate(shop, set, GenerateRequest.all());
        String path = "vars/per-deployment/" + shop + "/db/password";
        fx.rootKv().destroy(path, List.of(1L));

        assertThat(vars.fix(shop, set)).singleElement().isInstanceOf(Repair.NeedsGeneration.class);

        assertThat(vars.generate(shop, set, GenerateRequest.all()).generated()).containsExactly(name("db"));
        assertThat(statuses(shop, set).get(name("db"))).isEqualTo(new GeneratorStatus.Ok());
    }

    @Test
    void list_shows_public_values_and_masks_secret_ones() {
        Shop fresh = generatedShop();
        String ca = fresh.ca();
        GeneratorSet set = fresh.set();
        DeploymentName shop = fresh.deployment();
        String key = get(shop, set, "web", "key.pem");
        String password = get(shop, set, "db", "password");

        List<VarListing> listing = vars.list(shop, set);

        assertThat(listing).filteredOn(l -> l.file().equals("cert.pem") && l.generator().equals(name("web")))
                .singleElement().satisfies(l -> assertThat(l.shown()).isEqualTo(get(shop, set, "web", "cert.pem")));
        assertThat(listing).filteredOn(VarListing::secret).extracting(VarListing::shown)
                .containsOnly(VarListing.MASK).hasSize(3);
        assertThat(listing).filteredOn(l -> l.file().equals("key.pem") && l.generator().equals(name(ca)))
                .singleElement().satisfies(l -> assertThat(l.deploy()).isFalse());
        assertThat(listing.toString()).doesNotContain(key).doesNotContain(password);
    }

    @Test
    void a_value_a_person_sets_is_committed_and_its_dependents_become_outdated() {
        DeploymentName shop = VarsFixture.deployment("shop");
        GeneratorSet set = VarsFixture.definitions("""
                {"generators": {
                  "relay": {"kind": "prompt", "prompts": {"token": {"description": "SMTP relay token", "type": "hidden", "persist": true}}},
                  "mailer": {"kind": "script", "dependencies": ["relay"], "files": {"conf": {}},
                             "params": {"script": "printf 'token=%s' \\"$(cat $in/relay/token)\\" > $out/conf"}}
                }}""");

        assertThat(vars.generate(shop, set, GenerateRequest.all()).outcomes()).containsExactly(
                new GenerateReport.Skipped(name("relay"), "prompt token (SMTP relay token) needs a value"),
                new GenerateReport.Skipped(name("mailer"), "dependency relay has no committed value"));

        assertThat(vars.set(shop, set, name("relay"), "token", FileValue.of("first-token")))
                .isInstanceOf(CommitOutcome.Committed.class);
        vars.generate(shop, set, GenerateRequest.all());
        assertThat(get(shop, set, "mailer", "conf")).isEqualTo("token=first-token");

        vars.set(shop, set, name("relay"), "token", FileValue.of("second-token"));

        assertThat(statuses(shop, set)).containsEntry(name("relay"), new GeneratorStatus.Ok())
                .containsEntry(name("mailer"), new GeneratorStatus.Outdated("generator relay has new values since"));
        vars.generate(shop, set, GenerateRequest.all());
        assertThat(get(shop, set, "mailer", "conf")).isEqualTo("token=second-token");
        assertThat(vars.generate(shop, set, GenerateRequest.all().regenerating()).generated())
                .as("a persisted prompt is reused when regenerating").containsExactly(name("relay"), name("mailer"));
        assertThat(get(shop, set, "relay", "token")).isEqualTo("second-token");
    }

    @Test
    void a_prompt_value_given_to_generate_reaches_the_generator() {
        DeploymentName shop = VarsFixture.deployment("shop");
        GeneratorSet set = VarsFixture.definitions("""
                {"generators": {"admin": {"kind": "password", "prompts": {"email": {"description": "Admin e-mail", "persist": true}},
                                          "files": {"email": {"secret": false}}}}}""");

        vars.generate(shop, set, GenerateRequest.all().withPrompt(name("admin"), "email", FileValue.of("ops@shop.example")));

        assertThat(vars.list(shop, set)).filteredOn(l -> l.file().equals("email"))
                .singleElement().satisfies(l -> assertThat(l.shown()).isEqualTo("ops@shop.example"));
    }

    @Test
    void a_commit_that_loses_the_race_leaves_nothing_of_its_own_behind() {
        DeploymentName shop = VarsFixture.deployment("shop");
        GeneratorSet set = VarsFixture.definitions("""
                {"generators": {"db": {"kind": "password"}}}""");
        var g = set.get(name("db"));
        Placement placement = new Placement.PerDeployment(shop);
        Inspection stale = vars.store().inspect(placement, g);
        vars.generate(shop, set, GenerateRequest.all());
        String winner = get(shop, set, "db", "password");

        CommitOutcome late = vars.store().commit(placement, g, Map.of("password", FileValue.of("late-value")),
                ValidationHash.of(g, Map.of()), Map.of(), stale, Manifest.Cause.GENERATE);

        assertThat(late).isInstanceOf(CommitOutcome.Conflict.class);
        assertThat(get(shop, set, "db", "password")).isEqualTo(winner);
        assertThat(fx.rootKv().metadata(placement.file(name("db"), "password")).orElseThrow().state(2))
                .isEqualTo(KvMetadata.VersionState.DESTROYED);
        assertThat(vars.check(shop, set)).extracting(GeneratorCheck::status).containsExactly(new GeneratorStatus.Ok());
    }

    @Test
    void a_pki_certificate_is_issued_by_the_openbao_pki_mount() throws Exception {
        String mount = VarsFixture.unique("pki");
        fx.root.send("POST", "sys/mounts/" + mount, JSON.createObjectNode().put("type", "pki")
                .set("config", JSON.createObjectNode().put("max_lease_ttl", "87600h"))).requireOk("mounting pki");
        fx.root.send("POST", mount + "/root/generate/internal", JSON.createObjectNode()
                .put("common_name", "Test Root").put("ttl", "8760h")).requireOk("making the pki root");
        fx.root.send("POST", mount + "/roles/web", JSON.createObjectNode().put("allowed_domains", "shop.example")
                .put("allow_subdomains", true).put("max_ttl", "72h")).requireOk("making the pki role");
        DeploymentName shop = VarsFixture.deployment("shop");
        GeneratorSet set = VarsFixture.definitions("""
                {"generators": {"tls": {"kind": "pki-certificate", "params": {"mount": "{mount}", "role": "web",
                  "common_name": "app.shop.example", "alt_names": ["www.shop.example"], "ttl": "24h"}}}}""", "mount", mount);
        // The orchestrator's policy grants no PKI mount; whoever sets one up grants <mount>/issue/<role>.
        VarsService withPki = VarsService.create(fx.root, VarsFixture.MOUNT);

        withPki.generate(shop, set, GenerateRequest.all());

        X509Certificate issued = cert(withPki.get(shop, set, name("tls"), "cert.pem").orElseThrow().text());
        X509Certificate ca = cert(withPki.get(shop, set, name("tls"), "ca.pem").orElseThrow().text());
        issued.verify(ca.getPublicKey());
        assertThat(issued.getSubjectX500Principal().getName()).isEqualTo("CN=app.shop.example");
        assertThat(withPki.get(shop, set, name("tls"), "key.pem").orElseThrow().text()).startsWith("-----BEGIN PRIVATE KEY-----");
    }
}
