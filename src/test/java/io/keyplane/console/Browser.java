package io.keyplane.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.restassured.RestAssured;

/**
 * Debian's headless chromium driven through its chromedriver, both named explicitly so Selenium Manager never looks
 * for them on the network (.ci/run installs the packages). Override the paths with {@code -Dconsole.chromium=} and
 * {@code -Dconsole.chromedriver=}; screenshots go to {@code -Dconsole.screenshots=} (default
 * {@code target/console-screenshots}; docs/console.md "Browser tests" refreshes {@code docs/console} with it).
 */
final class Browser implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    final ChromeDriver driver;
    private final WebDriverWait wait;

    Browser() {
        var chromium = new File(System.getProperty("console.chromium", "/usr/bin/chromium"));
        var chromedriver = new File(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
        assertTrue(chromium.canExecute() && chromedriver.canExecute(), "the browser tests need " + chromium + " and "
                + chromedriver + " (apt-get install chromium chromium-driver; .ci/run does it)");
        var options = new ChromeOptions();
        options.setBinary(chromium);
        // root in CI: no sandbox; a fixed window so screenshots and layouts are the same everywhere
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--disable-gpu", "--no-first-run", "--disable-extensions", "--lang=en-US");
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, WAIT);
    }

    /** Opens a console page, e.g. "/console/" or "/console/#/audit". */
    void open(String path) {
        driver.get("http://localhost:" + RestAssured.port + path);
    }

    WebElement await(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void awaitText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    void awaitGone(By by) {
        wait.until(ExpectedConditions.invisibilityOfElementLocated(by));
    }

    /** Clicks, then waits until `by` is a new element (the screen re-rendered), and answers that element. */
    WebElement clickAndAwaitNew(By click, By by) {
        var old = await(by);
        click(click);
        wait.until(ExpectedConditions.stalenessOf(old));
        return await(by);
    }

    void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    /** A button or link by its visible text. */
    static By button(String text) {
        return By.xpath("//button[normalize-space(.)='" + text + "']");
    }

    static By link(String text) {
        return By.xpath("//a[normalize-space(.)='" + text + "']");
    }

    /** A form control by the text of its label. */
    static By labelled(String label) {
        return By.xpath("//*[@id=(//label[normalize-space(.)='" + label + "']/@for)]");
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    String pageText() {
        return driver.findElement(By.tagName("html")).getAttribute("outerHTML");
    }

    List<LogEntry> consoleLog() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    void screenshot(String name) {
        var dir = Path.of(System.getProperty("console.screenshots", "target/console-screenshots"));
        script("window.scrollTo(0, 0)");
        try {
            Files.createDirectories(dir);
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), dir.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("screenshot " + name, e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
