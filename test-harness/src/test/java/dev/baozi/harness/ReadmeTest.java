package dev.baozi.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README followed top to bottom: the local stack started as {@code make run} starts it
 * ({@link LocalStackMain}, here on free ports and in {@code target/readme/var} instead of
 * {@code ./var}), then every {@code ```sh} block of README.md run in order in ONE bash process, so
 * variables and {@code export}s carry over as they do for a reader typing them into one shell.
 *
 * <p>The shell works in a folder that looks like a checkout from where the reader stands:
 * {@code bin/}, {@code orchestrator/} (the built jar), {@code tf-modules/} and {@code octodns-config/}
 * link to the repository, and {@code var/} is the stack's own. {@code bin/baozi} finds the stack
 * through {@code BAOZI_URL}; addresses the README writes out ({@code 127.0.0.1:8080},
 * {@code dig -p 8053}) are rewritten to the free ports. Nothing else of a block is changed.
 *
 * <p>A block the README precedes with {@value #NOT_RUN} is skipped: that is only the block of
 * {@code make run} and {@code make test} themselves (the stack is already running, and the tests
 * are what is running). Needs the orchestrator jar ({@code make build}, or Maven's
 * {@code verify}, which packages it before this module's tests) and the tools.
 */
@Tag("tofu")
@Tag("netbox")
@Tag("slow")
class ReadmeTest {

    static final String NOT_RUN = "<!-- not run by ReadmeTest";
    // NetBox's first start may migrate for up to its 20-minute limit when no snapshot is cached yet
    private static final Duration STACK_START = Duration.ofMinutes(30);
    private static final Duration BLOCKS_TIMEOUT = Duration.ofMinutes(20);
    private static final String MARK = "[readme] ";

    private static final Path WORK = Path.of("target", "readme").toAbsolutePath();
    private static final Path CHECKOUT = WORK.resolve("checkout");
    private static final Path STACK_LOG = WORK.resolve("stack.log");
    /** The ports README.md writes out (make run's defaults), by the variable that moves each. */
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("BAOZI_HTTP_PORT", 8080, "BAOZI_OPENBAO_PORT", 8200,
            "BAOZI_PDNS_PORT", 8053, "BAOZI_PDNS_API_PORT", 8081, "BAOZI_NETBOX_PORT", 8001, "BAOZI_PROXMOX_PORT", 8006,
            "BAOZI_PROXMOX_B_PORT", 8007);
    private static final Map<String, Integer> PORTS = new LinkedHashMap<>();
    private static ManagedProcess stack;

    /** The {@code number}th block run, its opening fence on README.md's line {@code line}. */
    record Block(int number, int line, String text) {}

    @BeforeAll
    static void startTheStack() throws Exception {
        Path root = TestStack.repoRoot();
        Path jar = orchestratorJar(root);
        Tools.tofu();
        Tools.bao();
        Tools.netboxVenv();
        Tools.octodnsSync();
        Folders.delete(WORK);
        Files.createDirectories(CHECKOUT.resolve("var"));
        for (String linked : List.of("bin", "orchestrator", "tf-modules", "octodns-config")) {
            Files.createSymbolicLink(CHECKOUT.resolve(linked), root.resolve(linked));
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        var env = new HashMap<String, String>();
        for (String kept : List.of("BAOZI_TOOLS_DIR", "BAOZI_CACHE_DIR")) {
            Optional.ofNullable(System.getenv(kept)).ifPresent(value -> env.put(kept, value));
        }
        for (String variable : DEFAULT_PORTS.keySet()) {
            int port = FreePort.pick();
            PORTS.put(variable, port);
            env.put(variable, Integer.toString(port));
        }
        // Stopped with SIGTERM: make run's shutdown hook stops the orchestrator and every server.
        stack = ManagedProcess.command("make run's stack", List.of(java, "-cp", System.getProperty("java.class.path"),
                        LocalStackMain.class.getName(), "var", jar.toString()))
                .in(CHECKOUT).logTo(STACK_LOG).withoutEnv("BAOZI_").env(env).stopGrace(Duration.ofSeconds(60)).start();
        awaitProviderSim();
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void every_sh_block_of_the_readme_runs_in_order_in_one_shell_against_make_runs_stack() throws Exception {
        List<Block> blocks = shBlocks(Files.readString(TestStack.repoRoot().resolve("README.md")));
        assertThat(blocks).as("sh blocks the README asks a reader to run").hasSizeGreaterThan(5);

        Path dir = Files.createDirectories(WORK.resolve("blocks"));
        var script = new StringBuilder("set -eu -o pipefail\n")
                .append("trap 'echo \"").append(MARK).append("exit status $? at line $LINENO of the block\"' ERR\n");
        for (Block b : blocks) {
            Path file = dir.resolve("block-" + b.number() + ".sh");
            Files.writeString(file, withPorts(b.text()));
            // on a line of its own even after output without a final newline (curl's JSON)
            script.append("printf '\\n%s\\n' '").append(MARK).append("block ").append(b.number()).append("'\n")
                    .append(". '").append(file).append("'\n");
        }
        script.append("printf '\\n%s\\n' '").append(MARK).append("all blocks ran'\n");
        Path output = WORK.resolve("blocks.log");
        var builder = new ProcessBuilder("bash", "--noprofile", "--norc", "-c", script.toString())
                .directory(CHECKOUT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> (k.startsWith("BAOZI_") && !k.equals("BAOZI_TOOLS_DIR") && !k.equals("BAOZI_CACHE_DIR"))
                || k.startsWith("TF_"));
        env.put("BAOZI_URL", "http://127.0.0.1:" + PORTS.get("BAOZI_HTTP_PORT"));
        env.put("PATH", Tools.dir().resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("CHECKPOINT_DISABLE", "1");
        Process shell = builder.start();
        boolean ended = shell.waitFor(BLOCKS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
        String log = Files.readString(output);
        if (!ended || shell.exitValue() != 0 || !log.strip().endsWith(MARK + "all blocks ran")) {
            fail(failure(blocks, log, ended ? "the shell exited with status " + shell.exitValue()
                    : "the blocks were still running after " + BLOCKS_TIMEOUT.toMinutes() + " minutes"));
        }
    }

    /** The block that was running when the shell stopped, its text and what it printed. */
    private static String failure(List<Block> blocks, String log, String how) {
        int at = log.lastIndexOf(MARK + "block ");
        if (at < 0) {
            return how + " before the first block:\n" + log;
        }
        String rest = log.substring(at + (MARK + "block ").length());
        int number = Integer.parseInt(rest.substring(0, rest.indexOf('\n')).strip());
        Block b = blocks.get(number - 1);
        return how + " in README.md's sh block " + number + " (line " + b.line() + "):\n" + b.text()
                + "\n--- its output ---\n" + rest.substring(rest.indexOf('\n') + 1)
                + "\n(the stack's log: " + STACK_LOG + ")";
    }

    /**
     * The {@code ```sh} blocks in order, each dedented by its fence's indentation (blocks inside
     * list items are indented), without those a {@value #NOT_RUN} comment line precedes.
     */
    static List<Block> shBlocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        String previous = "";
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().equals("```sh")) {
                int indent = line.indexOf('`');
                var text = new StringBuilder();
                int start = i + 1;
                for (i++; i < lines.length && !lines[i].strip().equals("```"); i++) {
                    text.append(lines[i].length() >= indent ? lines[i].substring(indent) : lines[i].strip()).append('\n');
                }
                if (!previous.startsWith(NOT_RUN)) {
                    blocks.add(new Block(blocks.size() + 1, start, text.toString()));
                }
            }
            if (!line.isBlank()) {
                previous = line.strip();
            }
        }
        return blocks;
    }

    /** The README's default addresses moved to where this stack listens. */
    private static String withPorts(String text) {
        Map<Integer, Integer> moved = new java.util.HashMap<>();
        DEFAULT_PORTS.forEach((variable, port) -> moved.put(port, PORTS.get(variable)));
        String result = java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(text).replaceAll(m ->
                "127.0.0.1:" + moved.getOrDefault(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(1))));
        return result.replace("-p 8053", "-p " + PORTS.get("BAOZI_PDNS_PORT"));
    }

    private static Path orchestratorJar(Path root) throws IOException {
        Path target = root.resolve("orchestrator/target");
        try {
            Path jar = TestStack.orchestratorJar(root)
                    .orElseThrow(() -> new IllegalStateException(target + " has no orchestrator jar: run make build, or Maven's verify"));
            if (!Files.isDirectory(target.resolve("lib"))) {
                throw new IllegalStateException(target.resolve("lib") + " is missing: run make build, or Maven's verify");
            }
            return jar;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException(target + " is missing: run make build, or Maven's verify", e);
        }
    }

    /** make run registers the Proxmox simulators as providers sim-a and sim-b once the orchestrator is ready: the last step of starting. */
    private static void awaitProviderSim() {
        var http = HttpClient.newHttpClient();
        Path adminToken = CHECKOUT.resolve("var/orchestrator/admin-token");
        URI providers = URI.create("http://127.0.0.1:" + PORTS.get("BAOZI_HTTP_PORT") + "/api/v1/providers");
        stack.awaitReady("make run's stack to register providers sim-a and sim-b", STACK_START, () -> {
            try {
                if (!Files.isReadable(adminToken)) {
                    return false;
                }
                var response = http.send(HttpRequest.newBuilder(providers)
                        .header("Authorization", "Bearer " + Files.readString(adminToken).strip()).build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 && response.body().contains("\"name\":\"sim-a\"")
                        && response.body().contains("\"name\":\"sim-b\"");
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }
}
