package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tofu CLI configuration Baozi's runs use, built as data: providers only from the offline
 * filesystem mirror, no update checks. JSON form, with blocks as lists (tofu reads CLI config with
 * HCL 1, whose JSON reader would fold nested objects). No plugin cache: every run's init copies its
 * providers from the mirror (tens of MB, a fraction of a second), because a cache shared by runs
 * that init and plan at the same time can lose a provider under a running plan.
 */
public final class TofuCliConfig {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TofuCliConfig() {}

    public static Path write(Path file, Path providersMirror) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode mirror = root.putArray("provider_installation").addObject().putArray("filesystem_mirror").addObject();
        mirror.put("path", providersMirror.toAbsolutePath().toString());
        mirror.putArray("include").add("registry.opentofu.org/*/*");
        root.put("disable_checkpoint", true);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("writing the tofu CLI config " + file, e);
        }
        return file;
    }

    /** The version {@code tofu version -json} reports, e.g. {@code 1.12.6}. */
    public static String version(Path tofu, Path cliConfig) {
        try {
            var builder = new ProcessBuilder(tofu.toString(), "version", "-json").redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("TF_CLI_CONFIG_FILE", cliConfig.toString());
            Process p = builder.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(tofu + " version exited " + p.exitValue());
            }
            return JSON.readTree(out).path("terraform_version").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("running " + tofu + " version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking tofu its version", e);
        }
    }
}
