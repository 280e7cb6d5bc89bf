package dev.batchnorm.api;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Debian Chromium for the browser tests, with the chromedriver passed explicitly so that
 * Selenium Manager never tries to download one. A missing browser fails the test with what to
 * install; only a developer machine may skip it, with {@code -Dplayground.browser.skip=true}
 * (or {@code PLAYGROUND_BROWSER_SKIP=true}), and never when {@code CI} is set.
 */
final class Chromium {

    static final String SKIP_PROPERTY = "playground.browser.skip";

    private Chromium() {}

    static final String SKIP_ENV = "PLAYGROUND_BROWSER_SKIP";

    /** Whether the browser tests are to be skipped: the property, else the environment variable; refused when CI is set. */
    static boolean skipRequested(String property, String env, String ci) {
        boolean skip = Boolean.parseBoolean(property != null ? property : env);
        return Ci.developerSwitch(skip, property != null ? "-D" + SKIP_PROPERTY + "=" + property : SKIP_ENV + "=" + env, ci);
    }

    static ChromeDriver start(int width, int height) {
        boolean skip = skipRequested(System.getProperty(SKIP_PROPERTY), System.getenv(SKIP_ENV), Ci.env());
        Assumptions.assumeFalse(skip, "browser tests skipped on this developer machine by -D" + SKIP_PROPERTY + "=true or " + SKIP_ENV + "=true");
        Path browser = find("playground.chromium", "chromium", "chromium-browser", "google-chrome")
                .orElseThrow(() -> new AssertionError(missing("chromium")));
        Path driver = find("playground.chromedriver", "chromedriver")
                .orElseThrow(() -> new AssertionError(missing("chromedriver")));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static String missing(String what) {
        return what + " was not found (looked at -Dplayground." + what + " and PATH). The playground's browser test needs "
                + "Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver (.ci/run installs them). "
                + "On a developer machine without them, -D" + SKIP_PROPERTY + "=true skips this test.";
    }

    private static Optional<Path> find(String property, String... names) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) {
                throw new AssertionError("-D" + property + "=" + configured + " is not an executable file");
            }
            return Optional.of(p);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
