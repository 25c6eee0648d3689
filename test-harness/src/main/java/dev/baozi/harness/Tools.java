package dev.baozi.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code make tools} put the binaries: {@code BAOZI_TOOLS_DIR}, else {@code ~/.cache/baozi/tools};
 * Debian's packages (Chromium, ChromeDriver) where Debian installs them.
 */
public final class Tools {

    private Tools() {}

    public static Path dir() {
        String override = System.getenv("BAOZI_TOOLS_DIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String cache = System.getenv("BAOZI_CACHE_DIR");
        Path base = cache != null && !cache.isBlank()
                ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "baozi");
        return base.resolve("tools");
    }

    public static Path bao() {
        return require(dir().resolve("bin/bao"));
    }

    public static Path tofu() {
        return require(dir().resolve("bin/tofu"));
    }

    /** The tofu CLI configuration that installs providers from the offline mirror only. */
    public static Path tofuCliConfig() {
        return require(dir().resolve("tofu.tfrc.json"));
    }

    /** The virtualenv holding NetBox (and its gunicorn), installed by make tools. */
    public static Path netboxVenv() {
        Path venv = dir().resolve("venvs/netbox");
        require(venv.resolve("bin/netbox"));
        require(venv.resolve("bin/gunicorn"));
        require(venv.resolve("baozi-freeze.txt"));
        return venv;
    }

    /** octoDNS's {@code octodns-sync}, with the PowerDNS provider beside it in its virtualenv. */
    public static Path octodnsSync() {
        return require(dir().resolve("venvs/octodns/bin/octodns-sync"));
    }

    /** Debian's Chromium launcher (package {@code chromium}). */
    public static Path chromium() {
        return require(Path.of("/usr/bin/chromium"));
    }

    /** Debian's ChromeDriver, the same build as {@link #chromium()} (package {@code chromium-driver}). */
    public static Path chromedriver() {
        return require(Path.of("/usr/bin/chromedriver"));
    }

    /** axe-core's browser bundle ({@code axe.min.js}), installed with npm at the version versions.toml pins. */
    public static Path axeScript() {
        return require(dir().resolve("npm/node_modules/axe-core/axe.min.js"));
    }

    private static Path require(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run `make tools` first");
        }
        return p;
    }
}
