package dev.baozi.orchestrator;

import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.config.ConfigException;
import dev.baozi.orchestrator.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar orchestrator.jar [--config FILE]}. The config file may also be named by
 * {@code BAOZI_CONFIG}. Exits 2 when the configuration or start-up fails, printing why.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                System.err.println("usage: orchestrator [--config FILE]");
                System.exit(64);
            }
        }
        if (configFile == null && System.getenv("BAOZI_CONFIG") != null) {
            configFile = Path.of(System.getenv("BAOZI_CONFIG"));
        }
        BaoziConfig config;
        Orchestrator orchestrator;
        try {
            config = ConfigLoader.load(configFile, System.getenv());
            orchestrator = Orchestrator.start(config);
        } catch (ConfigException | StartupException e) {
            System.err.println("baozi: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            orchestrator.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
