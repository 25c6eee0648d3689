package dev.baozi.vars.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionLoaderTest {

    private static List<String> problems(String json) {
        try {
            DefinitionLoader.fromJson("test.json", json);
        } catch (InvalidDefinitionsException e) {
            return e.problems().stream().map(DefinitionProblem::toString).toList();
        }
        throw new AssertionError("expected the definitions to be rejected");
    }

    @Test
    void a_valid_set_loads_in_dependency_order_with_each_kinds_files() {
        GeneratorSet set = DefinitionLoader.fromJson("t", """
                {"generators": {
                  "web-tls": {"kind": "ca-signed-certificate", "params": {"ca": "ca", "subject": "web", "sans": ["web.shop.example", "10.0.0.5"]}},
                  "ca": {"kind": "ca", "share": true, "params": {"subject": "CN=Shop CA,O=Shop"}},
                  "db": {"kind": "password", "params": {"length": 40}},
                  "app": {"kind": "script", "dependencies": ["db"], "files": {"env": {"secret": true}, "url": {"secret": false}},
                          "params": {"script": "echo hi > $out/env", "timeout": "5s"}}
                }}""");

        List<String> order = set.ordered().stream().map(g -> g.name().value()).toList();
        assertThat(order.indexOf("ca")).isLessThan(order.indexOf("web-tls"));
        assertThat(order.indexOf("db")).isLessThan(order.indexOf("app"));
        GeneratorDefinition tls = set.get(GeneratorName.of("web-tls"));
        assertThat(tls.dependencies()).containsExactly(GeneratorName.of("ca"));
        assertThat(tls.files()).extracting(FileSpec::name).containsExactly("ca.pem", "cert.pem", "key.pem");
        assertThat(set.get(GeneratorName.of("ca")).file("key.pem").orElseThrow().deploy()).isFalse();
        assertThat(set.get(GeneratorName.of("app")).file("url").orElseThrow().secret()).isFalse();
        assertThat(set.dependentsOf(GeneratorName.of("ca"))).containsExactly(GeneratorName.of("web-tls"));
    }

    @Test
    void yaml_reads_the_same_as_json() {
        GeneratorSet yaml = DefinitionLoader.fromYaml("t.yaml", """
                generators:
                  admin:
                    kind: password
                    params: {length: 24}
                    prompts:
                      email: {description: "Admin e-mail", type: line, persist: true}
                """);
        GeneratorSet json = DefinitionLoader.fromJson("t.json", """
                {"generators": {"admin": {"kind": "password", "params": {"length": 24},
                  "prompts": {"email": {"description": "Admin e-mail", "type": "line", "persist": true}}}}}""");

        assertThat(yaml.get(GeneratorName.of("admin")).definitionHash())
                .isEqualTo(json.get(GeneratorName.of("admin")).definitionHash());
        assertThat(yaml.get(GeneratorName.of("admin")).files()).extracting(FileSpec::name).containsExactly("email", "password");
    }

    @Test
    void an_unknown_kind_is_rejected_naming_the_generator() {
        assertThat(problems("""
                {"generators": {"db": {"kind": "passwrod"}}}"""))
                .singleElement().asString().startsWith("generator db: unknown kind \"passwrod\"");
    }

    @Test
    void a_cycle_is_rejected_naming_the_cycle() {
        assertThat(problems("""
                {"generators": {
                  "a": {"kind": "script", "dependencies": ["b"], "files": {"x": {}}, "params": {"script": "true"}},
                  "b": {"kind": "script", "dependencies": ["a"], "files": {"x": {}}, "params": {"script": "true"}}
                }}""")).containsExactly("generator a: generators a -> b -> a form a cycle");
    }

    @Test
    void a_longer_cycle_is_named_once_from_its_smallest_member() {
        assertThat(problems("""
                {"generators": {
                  "c": {"kind": "script", "dependencies": ["a"], "files": {"x": {}}, "params": {"script": "true"}},
                  "b": {"kind": "script", "dependencies": ["c"], "files": {"x": {}}, "params": {"script": "true"}},
                  "a": {"kind": "script", "dependencies": ["b"], "files": {"x": {}}, "params": {"script": "true"}},
                  "d": {"kind": "script", "dependencies": ["c"], "files": {"x": {}}, "params": {"script": "true"}}
                }}""")).containsExactly("generator a: generators a -> b -> c -> a form a cycle");
    }

    @Test
    void a_missing_dependency_names_both_generators() {
        assertThat(problems("""
                {"generators": {"app": {"kind": "hex-token", "dependencies": ["db"]}}}"""))
                .containsExactly("generator app: depends on generator db, which is not defined");
    }

    @Test
    void a_length_out_of_bounds_is_rejected_with_the_bounds() {
        assertThat(problems("""
                {"generators": {"db": {"kind": "password", "params": {"length": 4}}}}"""))
                .containsExactly("generator db: params.length is 4; it must be between 8 and 1024");
    }

    @Test
    void every_problem_is_reported_at_once_each_naming_its_generator() {
        List<String> found = problems("""
                {"generators": {
                  "Bad_Name": {"kind": "password"},
                  "db": {"kind": "password", "params": {"length": 2000, "colour": "red"}},
                  "tok": {"kind": "hex-token", "params": {"bytes": "many"}},
                  "ssh": {"kind": "rsa", "params": {"bits": 3000}},
                  "s": {"kind": "script", "files": {"../etc": {}}, "params": {}},
                  "cert": {"kind": "self-signed-certificate", "params": {"subject": "web", "sans": ["not a name"], "key_type": "dsa"}},
                  "ssh2": {"kind": "ed25519", "files": {"id_ed25519": {"secret": false}, "other": {}}},
                  "x": {"kind": "password", "shares": true}
                }}""");

        assertThat(found).contains(
                "generator Bad_Name: the name is not valid: use a-z, 0-9 and -, starting with a letter or digit, at most 63 characters",
                "generator db: params.length is 2000; it must be between 8 and 1024",
                "generator db: unknown parameter params.colour for kind password (known: length, alphabet)",
                "generator tok: params.bytes must be a whole number between 8 and 1024, not \"many\"",
                "generator ssh: params.bits is 3000; it must be a multiple of 1024",
                "generator s: params.script is required for kind script",
                "generator s: file name \"../etc\" is not valid: use letters, digits, '.', '_' and '-', starting with a letter or digit",
                "generator cert: params.sans holds \"not a name\", which is neither a DNS name nor an IP address",
                "generator cert: params.key_type is \"dsa\"; it must be one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096",
                "generator ssh2: files.id_ed25519 is always secret for kind ed25519",
                "generator ssh2: kind ed25519 makes the files id_ed25519, id_ed25519.pub; files.other is not one of them");
        assertThat(found).anyMatch(p -> p.startsWith("generator x: unknown setting \"shares\""));
    }

    @Test
    void a_shared_generator_may_not_depend_on_a_per_deployment_one() {
        assertThat(problems("""
                {"generators": {
                  "db": {"kind": "password"},
                  "shared-thing": {"kind": "script", "share": true, "dependencies": ["db"], "files": {"x": {}}, "params": {"script": "true"}}
                }}""")).singleElement().asString()
                .startsWith("generator shared-thing: is shared but depends on generator db, which is per deployment");
    }

    @Test
    void a_signed_certificate_must_name_a_ca_generator() {
        assertThat(problems("""
                {"generators": {
                  "db": {"kind": "password"},
                  "web": {"kind": "ca-signed-certificate", "params": {"ca": "db", "subject": "web"}}
                }}""")).containsExactly("generator web: params.ca names generator db, which is of kind password, not ca");
    }

    @Test
    void a_dependency_on_an_invalid_generator_is_not_reported_twice() {
        assertThat(problems("""
                {"generators": {"db": {"kind": "nope"}, "app": {"kind": "hex-token", "dependencies": ["db"]}}}"""))
                .singleElement().asString().startsWith("generator db: unknown kind");
    }

    @Test
    void broken_json_is_one_problem_saying_where() {
        assertThatThrownBy(() -> DefinitionLoader.fromJson("t.json", "{\"generators\": {"))
                .isInstanceOf(InvalidDefinitionsException.class)
                .hasMessageContaining("not valid JSON at line 1");
    }

    @Test
    void the_definition_hash_follows_values_that_matter_and_ignores_wording() {
        String base = """
                {"generators": {"db": {"kind": "password", "params": {"length": %d},
                  "prompts": {"hint": {"description": "%s"}}}}}""";
        String a = DefinitionLoader.fromJson("a", base.formatted(32, "one")).get(GeneratorName.of("db")).definitionHash();
        String b = DefinitionLoader.fromJson("b", base.formatted(32, "two")).get(GeneratorName.of("db")).definitionHash();
        String c = DefinitionLoader.fromJson("c", base.formatted(33, "one")).get(GeneratorName.of("db")).definitionHash();
        String d = DefinitionLoader.fromJson("d", """
                {"generators": {"db": {"prompts": {"hint": {"description": "x"}}, "kind": "password"}}}""")
                .get(GeneratorName.of("db")).definitionHash();

        assertThat(a).isEqualTo(b).isEqualTo(d).isNotEqualTo(c);
    }

    @Test
    void a_prompt_generator_needs_persisted_prompts() {
        assertThat(problems("""
                {"generators": {"mail": {"kind": "prompt", "prompts": {"relay": {"type": "line"}}}}}"""))
                .containsExactly("generator mail: kind prompt needs prompts, each with persist: true");
    }
}
