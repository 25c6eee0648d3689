package dev.baozi.vars.generate;

import dev.baozi.vars.definition.FileSpec;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.Kind;
import dev.baozi.vars.definition.PromptSpec;
import dev.baozi.openbao.OpenBaoApi;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Makes every file of one generator from its kind and input; persisted prompts become files of their own. */
public final class GeneratorEngine {

    private final SecureRandom random;
    private final Certificates certificates;
    private final PkiIssuer pki;
    private final ScriptRunner scripts;

    /** {@code pkiApi}: where {@code pki-certificate} generators ask for certificates (the orchestrator's OpenBao). */
    public GeneratorEngine(SecureRandom random, Clock clock, OpenBaoApi pkiApi, ScriptRunner scripts) {
        this.random = random;
        this.certificates = new Certificates(random, clock);
        this.pki = new PkiIssuer(pkiApi);
        this.scripts = scripts;
    }

    public GeneratorEngine(OpenBaoApi pkiApi) {
        this(new SecureRandom(), Clock.systemUTC(), pkiApi, new ScriptRunner());
    }

    /** Every file of {@code g}; {@code input} must hold a value for each of its prompts. */
    public Map<String, FileValue> generate(GeneratorDefinition g, GeneratorInput input) {
        for (PromptSpec p : g.prompts()) {
            if (!input.prompts().containsKey(p.name())) {
                throw new GenerationException("generating " + g.name() + ": prompt " + p.name() + " (" + p.description()
                        + ") has no value");
            }
        }
        Map<String, FileValue> files = new LinkedHashMap<>(switch (g.kind()) {
            case Kind.RandomPassword p -> Map.of("password", RandomValues.password(random, p.length(), p.alphabet()));
            case Kind.HexToken t -> Map.of("token", RandomValues.hex(random, t.bytes()));
            case Kind.Base64Token t -> Map.of("token", RandomValues.base64(random, t.bytes()));
            case Kind.Ed25519KeyPair k -> ssh(OpenSshKeys.ed25519(random, k.comment()), "id_ed25519");
            case Kind.RsaKeyPair k -> ssh(OpenSshKeys.rsa(random, k.bits(), k.comment()), "id_rsa");
            case Kind.WireGuardKeyPair w -> {
                WireGuardKeys.Pair pair = WireGuardKeys.generate(random);
                yield Map.of("private-key", FileValue.of(pair.privateKey()), "public-key", FileValue.of(pair.publicKey()));
            }
            case Kind.SelfSignedCertificate c -> pem(certificates.selfSigned(c.certificate()));
            case Kind.CertificateAuthority ca -> pem(certificates.authority(ca.subject(), ca.validityDays(), ca.key()));
            case Kind.CaSignedCertificate c -> {
                String caKey = input.dependencyFile(c.ca(), "key.pem").text();
                String caCert = input.dependencyFile(c.ca(), "cert.pem").text();
                Map<String, FileValue> m = new LinkedHashMap<>(pem(certificates.signedBy(Certificates.readAuthority(caKey, caCert),
                        c.certificate())));
                m.put("ca.pem", FileValue.of(caCert));
                yield m;
            }
            case Kind.PkiCertificate p -> pki.issue(g.name().value(), p);
            case Kind.Script s -> scripts.run(g, s, input);
            case Kind.Prompted p -> Map.of();
        });
        for (PromptSpec p : g.prompts()) {
            if (p.persist()) {
                files.put(p.name(), input.prompts().get(p.name()));
            }
        }
        Set<String> declared = g.files().stream().map(FileSpec::name).collect(Collectors.toCollection(TreeSet::new));
        if (!declared.equals(new TreeSet<>(files.keySet()))) {
            throw new IllegalStateException("generating " + g.name() + ": made files " + new TreeSet<>(files.keySet())
                    + " but the definition declares " + declared);
        }
        return files;
    }

    private static Map<String, FileValue> ssh(OpenSshKeys.Pair pair, String base) {
        return Map.of(base, FileValue.of(pair.privateKey()), base + ".pub", FileValue.of(pair.authorizedKey()));
    }

    private static Map<String, FileValue> pem(Certificates.Issued issued) {
        return Map.of("key.pem", FileValue.of(issued.keyPem()), "cert.pem", FileValue.of(issued.certificatePem()));
    }
}
