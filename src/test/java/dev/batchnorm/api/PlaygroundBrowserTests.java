package dev.batchnorm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The playground page at {@code /} in headless Chromium, against the real service: it runs the
 * colab's presets and checks that what the page draws and prints is the session's state as the
 * API reports it. Screenshots land in {@code target/playground-*.png}.
 */
class PlaygroundBrowserTests extends IntegrationTestBase {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");
    /** SVG pixel attributes are written rounded to 0.01; canvas positions are exact. */
    private static final double PIXEL = 0.0051;

    private static ChromeDriver driver;

    /** A console error these tests provoke on purpose (a refused request), or null. */
    private String expectedConsoleError;

    @BeforeAll
    static void startBrowser() {
        driver = Chromium.start(1440, 900);
        // a laptop's viewport exactly, whatever the headless window's decorations take
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1440, "height", 900, "deviceScaleFactor", 1, "mobile", false));
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @BeforeEach
    void openPage() {
        driver.get("http://127.0.0.1:" + port + "/");
        new WebDriverWait(driver, Duration.ofSeconds(20))
                .until(d -> !d.findElements(By.cssSelector("#presets button")).isEmpty());
    }

    @AfterEach
    void noScriptErrors() {
        List<String> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> expectedConsoleError == null || !m.contains(expectedConsoleError))
                .toList();
        assertThat(severe).as("errors in the browser console").isEmpty();
    }

    @Test
    void defaultModePreset_ShouldDrawEveryPointAndTheUntouchedStatistics_ThenApplyThePendingOps() {
        // Given the colab's default mode: 1000 training forwards, ops left in "update_ops"
        click("preset-default-training");
        run(() -> click("run"));

        // Then
        Picture pic = picture();
        String id = pic.sessionId();
        assertThat(pic.inputs()).hasSize(10_000);
        assertThat(pic.outputs()).hasSize(10_000);
        assertPictureIsTheSessionsState(pic, id);
        assertOutputsAreBatchNormalized(pic);
        assertThat(pic.number("pending")).isEqualTo("2000");
        assertThat(pic.number("forwards")).isEqualTo("1000");
        assertThat(pic.number("normalized")).isEqualTo("batch");
        assertThat(doubles(pic.number("movingMean"))).containsExactly(0.0, 0.0);
        assertThat(doubles(pic.number("movingVar"))).containsExactly(1.0, 1.0);
        assertThat(pic.ellipse().rx()).isEqualTo(1.0);
        assertThat(pic.ellipse().ry()).isEqualTo(1.0);
        screenshot("playground-default-mode.png");

        // When the collection is run (the colab's sixth scenario), Then the ellipse lands on the in-place statistics
        run(() -> click("apply"));
        Picture applied = picture();
        assertThat(applied.number("pending")).isEqualTo("0");
        assertPictureIsTheSessionsState(applied, id);
        float[][] expected = ColabScenariosIntegrationTests.referenceMovingStats(batches(applied));
        assertThat(floats(applied.number("movingMean"))).containsExactly(expected[0]);
        assertThat(floats(applied.number("movingVar"))).containsExactly(expected[1]);
        screenshot("playground-default-mode-applied.png");
    }

    @Test
    void discard_ShouldEmptyTheCollection_AndLeaveTheEllipseWhereItWas() {
        // Given the default mode, a short run: 20 training forwards leave 40 ops pending
        click("preset-default-training");
        WebElement forwards = driver.findElement(By.id("forwards"));
        forwards.clear();
        forwards.sendKeys("20");
        run(() -> click("run"));
        Picture before = picture();
        String id = before.sessionId();
        assertThat(before.number("pending")).isEqualTo("40");
        assertThat(api.get("/v1/sessions/" + id + "/updates").json().get("count").asLong()).isEqualTo(40);
        assertThat(driver.findElement(By.id("discard")).isEnabled()).isTrue();

        // When
        run(() -> click("discard"));

        // Then the page shows no pending op, and the API lists none
        Picture after = picture();
        assertThat(driver.findElement(By.id("playground")).getDomAttribute("data-state")).isEqualTo("done");
        assertThat(after.number("pending")).isEqualTo("0");
        JsonNode updates = api.get("/v1/sessions/" + id + "/updates").json();
        assertThat(updates.get("count").asLong()).isZero();
        assertThat(updates.get("updates").isEmpty()).as(updates.toString()).isTrue();
        // the moving statistics did not move: the ellipse, the numbers shown, and the session's own
        assertThat(after.ellipse()).isEqualTo(before.ellipse());
        assertThat(after.number("movingMean")).isEqualTo(before.number("movingMean"));
        assertThat(after.number("movingVar")).isEqualTo(before.number("movingVar"));
        assertThat(after.ellipse().cx()).isEqualTo(0.0);
        assertThat(after.ellipse().rx()).isEqualTo(1.0);
        assertPictureIsTheSessionsState(after, id);
        // the ops were discarded, not lost in some other way: applying one is refused as discarded
        HttpApi.Response apply = api.post("/v1/sessions/" + id + "/updates/apply", "{\"ids\": [1]}");
        assertThat(apply.status()).as(apply.text()).isEqualTo(409);
        assertThat(apply.json().get("code").asString()).isEqualTo("update_discarded");
        // nothing is left to apply or discard
        assertThat(driver.findElement(By.id("apply")).isEnabled()).isFalse();
        assertThat(driver.findElement(By.id("discard")).isEnabled()).isFalse();
        screenshot("playground-discarded.png");
    }

    @Test
    void inPlacePreset_ShouldMoveTheEllipseToTheCollectedStatistics_UsingOnlyTheKeyboard() {
        // Given the in-place preset, chosen and run from the keyboard (Space on the button, Enter in a field)
        driver.findElement(By.id("preset-in-place")).sendKeys(Keys.SPACE);
        assertThat(driver.findElement(By.id("updates-inplace")).isSelected()).isTrue();
        run(() -> driver.findElement(By.id("forwards")).sendKeys(Keys.ENTER));

        // Then
        Picture pic = picture();
        assertThat(pic.inputs()).hasSize(10_000);
        assertThat(pic.outputs()).hasSize(10_000);
        assertPictureIsTheSessionsState(pic, pic.sessionId());
        assertOutputsAreBatchNormalized(pic);
        assertThat(pic.number("pending")).isEqualTo("0");
        float[][] expected = ColabScenariosIntegrationTests.referenceMovingStats(batches(pic));
        assertThat(floats(pic.number("movingMean"))).containsExactly(expected[0]);
        assertThat(floats(pic.number("movingVar"))).containsExactly(expected[1]);
        // 63% of the way from 0 to 10 after 1000 steps, as the colab explains
        assertThat(pic.ellipse().cx()).isBetween(6.1, 6.5);
        screenshot("playground-in-place.png");
    }

    @Test
    void testTimeMovingAveragesPreset_ShouldNormalizeWithTheInitializedStatistics() {
        click("preset-test-moving");
        run(() -> click("run"));

        Picture pic = picture();
        assertPictureIsTheSessionsState(pic, pic.sessionId());
        assertThat(pic.number("normalized")).isEqualTo("moving");
        assertThat(pic.number("pending")).isEqualTo("0");
        assertThat(pic.ellipse().cx()).isEqualTo(10.0);
        assertThat(pic.ellipse().rx()).isEqualTo(1.0);
        assertThat(pic.ellipse().ry()).isEqualTo(2.0);
        for (int i = 0; i < pic.inputs().size(); i++) {
            Point in = pic.inputs().get(i);
            Point out = pic.outputs().get(i);
            assertThat((double) out.x()).isCloseTo((in.x() - 10) / Math.sqrt(1.001), within(2e-5));
            assertThat((double) out.y()).isCloseTo((in.y() - 10) / Math.sqrt(4.001), within(2e-5));
        }

        // the colab's own drawing rule: matplotlib's Ellipse(width=variance) has radius variance / 2
        new Select(driver.findElement(By.id("radiusRule"))).selectByValue("colab");
        Picture colab = picture();
        assertThat(colab.ellipse().rule()).isEqualTo("colab");
        assertThat(colab.ellipse().rx()).isEqualTo(0.5);
        assertThat(colab.ellipse().ry()).isEqualTo(2.0);
        assertEllipseDrawnAt(colab);
        screenshot("playground-test-moving-averages.png");
    }

    @Test
    void aRefusedSession_ShouldShowTheProblem() {
        expectedConsoleError = "/v1/sessions - Failed to load resource: the server responded with a status of 400";
        click("preset-default-training");
        WebElement eps = driver.findElement(By.id("eps"));
        eps.clear();
        eps.sendKeys("0");
        run(() -> click("run"));

        assertThat(driver.findElement(By.id("playground")).getDomAttribute("data-state")).isEqualTo("error");
        WebElement error = driver.findElement(By.id("error"));
        assertThat(error.isDisplayed()).isTrue();
        assertThat(error.getText()).startsWith("400 invalid_session_spec").contains("/eps");
    }

    @Test
    void everyControl_ShouldHaveAnAccessibleName() {
        @SuppressWarnings("unchecked")
        List<String> unnamed = (List<String>) driver.executeScript("""
                return Array.from(document.querySelectorAll('input, select, button, progress'))
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                                && !el.getAttribute('aria-labelledby') && !el.textContent.trim())
                  .map(el => el.id || el.outerHTML);""");
        assertThat(unnamed).isEmpty();
    }

    // ------------------------------------------------------------------ checks

    /** Numbers and ellipse equal what the API says about the session; every point is drawn inside the plot. */
    private void assertPictureIsTheSessionsState(Picture pic, String id) {
        JsonNode variables = api.get("/v1/sessions/" + id + "/variables").json();
        double[] mean = doubles(variables.get("variables").get("movingMean").get("data"));
        double[] variance = doubles(variables.get("variables").get("movingVariance").get("data"));
        JsonNode updates = api.get("/v1/sessions/" + id + "/updates?pageSize=1").json();
        JsonNode session = api.get("/v1/sessions/" + id).json();

        assertThat(doubles(pic.number("movingMean"))).containsExactly(mean);
        assertThat(doubles(pic.number("movingVar"))).containsExactly(variance);
        assertThat(pic.number("pending")).isEqualTo(String.valueOf(updates.get("count").asLong()));
        assertThat(pic.number("pending")).isEqualTo(String.valueOf(session.get("counters").get("updateOpsPending").asLong()));
        assertThat(pic.number("forwards")).isEqualTo(String.valueOf(session.get("counters").get("forwards").asLong()));
        assertThat(pic.number("version")).isEqualTo(String.valueOf(variables.get("version").asLong()));

        long forwards = session.get("counters").get("forwards").asLong();
        assertThat(pic.inputs()).hasSize((int) forwards * 10);
        assertThat(pic.outputs()).hasSize((int) forwards * 10);
        assertThat(pic.inputCount()).isEqualTo(pic.inputs().size());
        assertThat(pic.outputCount()).isEqualTo(pic.outputs().size());

        Ellipse e = pic.ellipse();
        assertThat(e.hidden()).isFalse();
        assertThat(e.cx()).isEqualTo(mean[0]);
        assertThat(e.cy()).isEqualTo(mean[1]);
        assertThat(e.rule()).isEqualTo("std");
        assertThat(e.rx()).isEqualTo(Math.sqrt(variance[0]));
        assertThat(e.ry()).isEqualTo(Math.sqrt(variance[1]));
        assertEllipseDrawnAt(pic);

        // input moments as printed: over every input point drawn (np.mean, np.var), 6 significant digits
        double[][] m = moments(pic.inputs());
        double[] shownMean = doubles(pic.number("inputMean"));
        double[] shownVar = doubles(pic.number("inputVar"));
        for (int c = 0; c < 2; c++) {
            assertThat(shownMean[c]).isCloseTo(m[0][c], within(1e-5 * Math.abs(m[0][c])));
            assertThat(shownVar[c]).isCloseTo(m[1][c], within(1e-5 * Math.abs(m[1][c])));
        }

        // every point is painted where its data puts it, inside the plot area
        assertThat(pic.unpaintedInputs()).as("input points not painted red at their centre").isZero();
        assertThat(pic.unpaintedOutputs()).as("output points not painted blue at their centre").isZero();
        for (List<Point> layer : List.of(pic.inputs(), pic.outputs())) {
            for (Point p : layer) {
                assertThat(p.px()).isCloseTo(pic.x0() + pic.scale() * p.x(), within(PIXEL));
                assertThat(p.py()).isCloseTo(pic.y0() - pic.scale() * p.y(), within(PIXEL));
                assertThat(p.px()).isBetween(pic.clip()[0], pic.clip()[0] + pic.clip()[2]);
                assertThat(p.py()).isBetween(pic.clip()[1], pic.clip()[1] + pic.clip()[3]);
            }
        }
    }

    private static void assertEllipseDrawnAt(Picture pic) {
        Ellipse e = pic.ellipse();
        assertThat(e.pcx()).isCloseTo(pic.x0() + pic.scale() * e.cx(), within(PIXEL));
        assertThat(e.pcy()).isCloseTo(pic.y0() - pic.scale() * e.cy(), within(PIXEL));
        assertThat(e.prx()).isCloseTo(pic.scale() * e.rx(), within(PIXEL));
        assertThat(e.pry()).isCloseTo(pic.scale() * e.ry(), within(PIXEL));
    }

    /** Each drawn output is its drawn input normalized with that batch's statistics (Sonnet's eps 1e-3). */
    private static void assertOutputsAreBatchNormalized(Picture pic) {
        float[][][] batches = batches(pic);
        int i = 0;
        for (float[][] batch : batches) {
            double[][] m = ColabScenariosIntegrationTests.moments(batch);
            for (float[] row : batch) {
                Point out = pic.outputs().get(i++);
                assertThat((double) out.x()).isCloseTo((row[0] - m[0][0]) / Math.sqrt(m[1][0] + 1e-3), within(2e-5));
                assertThat((double) out.y()).isCloseTo((row[1] - m[0][1]) / Math.sqrt(m[1][1] + 1e-3), within(2e-5));
            }
        }
    }

    // ------------------------------------------------------------------ reading the page

    record Point(float x, float y, int batch, double px, double py) {}

    record Ellipse(double cx, double cy, double rx, double ry, String rule, double pcx, double pcy, double prx, double pry, boolean hidden) {}

    record Picture(String sessionId, List<Point> inputs, List<Point> outputs, int unpaintedInputs, int unpaintedOutputs,
                   int inputCount, int outputCount, Ellipse ellipse,
                   double scale, double x0, double y0, double[] clip, Map<String, String> numbers) {

        String number(String name) {
            return numbers.get(name);
        }
    }

    @SuppressWarnings("unchecked")
    private Picture picture() {
        Map<String, Object> r = (Map<String, Object>) driver.executeScript("""
                const drawn = window.batchnormPlayground.points();
                const canvas = document.getElementById('points');
                const ratio = Number(canvas.dataset.pixelRatio);
                const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                // the canvas pixel under each point's centre: painted, and in the layer's colour
                const unpainted = (list, red) => list.filter(p => {
                  const i = (Math.floor(p[4] * ratio) * canvas.width + Math.floor(p[3] * ratio)) * 4;
                  return pixels[i + 3] === 0 || (red ? pixels[i] <= pixels[i + 2] : pixels[i + 2] <= pixels[i]);
                }).length;
                const e = document.getElementById('moving-ellipse');
                const svg = document.getElementById('chart');
                const clip = document.getElementById('plot-clip-rect');
                const text = (id) => document.getElementById(id).textContent.trim();
                return {
                  session: document.getElementById('playground').dataset.sessionId,
                  inputs: drawn.inputs, outputs: drawn.outputs,
                  unpainted: [unpainted(drawn.inputs, true), unpainted(drawn.outputs, false)],
                  inputCount: canvas.dataset.inputCount, outputCount: canvas.dataset.outputCount,
                  ellipse: [e.dataset.cx, e.dataset.cy, e.dataset.rx, e.dataset.ry, e.dataset.radiusRule,
                            e.getAttribute('cx'), e.getAttribute('cy'), e.getAttribute('rx'), e.getAttribute('ry'),
                            String(e.hasAttribute('hidden'))],
                  transform: [svg.dataset.scale, svg.dataset.x0, svg.dataset.y0],
                  clip: ['x', 'y', 'width', 'height'].map(a => clip.getAttribute(a)),
                  numbers: {pending: text('num-pending'), forwards: text('num-forwards'), normalized: text('num-normalized'),
                            inputMean: text('num-input-mean'), inputVar: text('num-input-var'),
                            movingMean: text('num-moving-mean'), movingVar: text('num-moving-var'), version: text('num-version')}
                };""");
        List<String> e = (List<String>) r.get("ellipse");
        List<String> t = (List<String>) r.get("transform");
        List<String> clip = (List<String>) r.get("clip");
        List<Number> unpainted = (List<Number>) r.get("unpainted");
        return new Picture((String) r.get("session"), points(r.get("inputs")), points(r.get("outputs")),
                unpainted.get(0).intValue(), unpainted.get(1).intValue(),
                Integer.parseInt((String) r.get("inputCount")), Integer.parseInt((String) r.get("outputCount")),
                new Ellipse(d(e.get(0)), d(e.get(1)), d(e.get(2)), d(e.get(3)), e.get(4), d(e.get(5)), d(e.get(6)), d(e.get(7)), d(e.get(8)),
                        Boolean.parseBoolean(e.get(9))),
                d(t.get(0)), d(t.get(1)), d(t.get(2)), clip.stream().mapToDouble(PlaygroundBrowserTests::d).toArray(),
                (Map<String, String>) r.get("numbers"));
    }

    @SuppressWarnings("unchecked")
    private static List<Point> points(Object raw) {
        List<Point> out = new ArrayList<>();
        for (List<Number> p : (List<List<Number>>) raw) {
            // the data values are the float32 values sent and answered, carried exactly as doubles
            out.add(new Point((float) p.get(0).doubleValue(), (float) p.get(1).doubleValue(), p.get(2).intValue(),
                    p.get(3).doubleValue(), p.get(4).doubleValue()));
        }
        return out;
    }

    /** The drawn inputs grouped by forward, in order: what the service was sent. */
    private static float[][][] batches(Picture pic) {
        List<Point> in = pic.inputs();
        int size = 10;
        float[][][] out = new float[in.size() / size][size][2];
        for (int i = 0; i < in.size(); i++) {
            assertThat(in.get(i).batch()).isEqualTo(i / size);
            out[i / size][i % size][0] = in.get(i).x();
            out[i / size][i % size][1] = in.get(i).y();
        }
        return out;
    }

    private static double[][] moments(List<Point> points) {
        double[] mean = new double[2];
        for (Point p : points) {
            mean[0] += p.x();
            mean[1] += p.y();
        }
        mean[0] /= points.size();
        mean[1] /= points.size();
        double[] var = new double[2];
        for (Point p : points) {
            var[0] += (p.x() - mean[0]) * (p.x() - mean[0]);
            var[1] += (p.y() - mean[1]) * (p.y() - mean[1]);
        }
        return new double[][] {mean, {var[0] / points.size(), var[1] / points.size()}};
    }

    /** The printed numbers as the float32 values they denote (the service writes float32 in shortest form). */
    private static float[] floats(String text) {
        double[] d = doubles(text);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    /** The numbers printed in a text such as {@code [[6.3211565, 8.1]]}. */
    private static double[] doubles(String text) {
        List<Double> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            out.add(Double.parseDouble(m.group()));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    // ------------------------------------------------------------------ driving the page

    private void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    /** Performs an action and waits until the page reports it finished (done, error or stopped). */
    private void run(Runnable action) {
        WebElement root = driver.findElement(By.id("playground"));
        int before = Integer.parseInt(root.getDomAttribute("data-completed"));
        action.run();
        new WebDriverWait(driver, Duration.ofMinutes(5)).pollingEvery(Duration.ofMillis(200))
                .until(d -> Integer.parseInt(root.getDomAttribute("data-completed")) > before);
    }

    private void screenshot(String name) {
        try {
            driver.executeScript("window.scrollTo(0, 0); document.activeElement.blur();");
            Path target = Path.of("target", name);
            Files.createDirectories(target.getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
