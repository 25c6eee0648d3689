package dev.baozi.vars.generate;

import dev.baozi.vars.definition.FileSpec;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.definition.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a {@code script} generator: in a fresh private directory (0700) it lays out
 * {@code in/<dependency>/<file>}, {@code prompts/<prompt>} and an empty {@code out/}, runs the
 * script with {@code /bin/sh -eu} and a minimal environment ({@code $in}, {@code $out},
 * {@code $prompts}, {@code PATH}, {@code HOME}), stops it with all its child processes at its
 * timeout, checks that {@code out/} holds exactly the declared files, and deletes the directory
 * whatever happened. The script's output is discarded: it may print secrets.
 */
public final class ScriptRunner {

    /** Larger files would not fit one OpenBao KV entry once encoded. */
    static final int MAX_FILE_BYTES = 512 * 1024;

    private static final String PATH = "/usr/local/bin:/usr/bin:/bin";

    private final Path tempParent;

    /** {@code tempParent}: where the private directories are made (the system temp dir by default). */
    public ScriptRunner(Path tempParent) {
        this.tempParent = tempParent;
    }

    public ScriptRunner() {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    Map<String, FileValue> run(GeneratorDefinition g, Kind.Script script, GeneratorInput input) {
        String doing = "generating " + g.name() + " with its script";
        Path dir;
        try {
            Files.createDirectories(tempParent);
            dir = Files.createTempDirectory(tempParent, "baozi-vars-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException(doing + ": making a private directory under " + tempParent, e);
        }
        try {
            Path in = privateDir(dir.resolve("in"));
            Path prompts = privateDir(dir.resolve("prompts"));
            Path out = privateDir(dir.resolve("out"));
            for (var dep : input.dependencies().entrySet()) {
                Path depDir = privateDir(in.resolve(dep.getKey().value()));
                for (var file : dep.getValue().entrySet()) {
                    privateFile(depDir.resolve(file.getKey()), file.getValue().bytes());
                }
            }
            for (var prompt : input.prompts().entrySet()) {
                privateFile(prompts.resolve(prompt.getKey()), prompt.getValue().bytes());
            }
            Path scriptFile = dir.resolve("script.sh");
            privateFile(scriptFile, script.script().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            execute(doing, g.name(), script, dir, scriptFile, in, prompts, out);
            return collect(doing, g, out);
        } catch (IOException e) {
            throw new UncheckedIOException(doing + ": preparing or reading its directory", e);
        } finally {
            deleteTree(dir);
        }
    }

    private static void execute(String doing, GeneratorName name, Kind.Script script, Path dir, Path scriptFile,
                                Path in, Path prompts, Path out) throws IOException {
        var builder = new ProcessBuilder("/bin/sh", "-eu", scriptFile.toString())
                .directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", PATH);
        env.put("HOME", dir.toString());
        env.put("LANG", "C.UTF-8");
        env.put("in", in.toString());
        env.put("prompts", prompts.toString());
        env.put("out", out.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        boolean finished;
        try {
            finished = process.waitFor(script.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new GenerationException(doing + ": interrupted; the script and its child processes were stopped");
        }
        if (!finished) {
            killTree(process);
            throw new GenerationException(doing + ": the script ran longer than its timeout of "
                    + script.timeout().toMillis() + " ms and was killed with its child processes");
        }
        if (process.exitValue() != 0) {
            throw new GenerationException(doing + ": the script exited with status " + process.exitValue()
                    + " (its output is not kept, since it may hold secrets)");
        }
    }

    /** Kills the process and every descendant; descendants are gathered first, since killing the parent orphans them. */
    static void killTree(Process process) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(process.toHandle());
        for (int round = 0; round < 3; round++) {
            for (ProcessHandle h : List.copyOf(tree)) {
                h.descendants().forEach(tree::add);
            }
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, FileValue> collect(String doing, GeneratorDefinition g, Path out) throws IOException {
        Set<String> expected = new TreeSet<>();
        g.generatedFiles().stream().map(FileSpec::name).forEach(expected::add);
        Map<String, FileValue> files = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> entries = Files.list(out)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                seen.add(name);
                if (!expected.contains(name)) {
                    problems.add("it wrote " + name + ", which is not a declared file");
                } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    problems.add("out/" + name + " is not a regular file");
                } else if (Files.size(p) > MAX_FILE_BYTES) {
                    problems.add("out/" + name + " is larger than " + MAX_FILE_BYTES + " bytes");
                } else {
                    files.put(name, new FileValue(Files.readAllBytes(p)));
                }
            }
        }
        for (String name : expected) {
            if (!seen.contains(name)) {
                problems.add("it did not write the declared file " + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new GenerationException(doing + ": " + String.join("; ", problems));
        }
        return files;
    }

    private static Path privateDir(Path p) throws IOException {
        return Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static void privateFile(Path p, byte[] content) throws IOException {
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(p, content);
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    // A script may have taken its own permissions away; give them back so the tree can go.
                    d.toFile().setWritable(true, true);
                    d.toFile().setExecutable(true, true);
                    d.toFile().setReadable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("deleting the script's private directory " + dir, e);
        }
    }
}
