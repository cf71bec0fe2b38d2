package dev.sekisho.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Real headless Chromium for browser tests, driven through Debian's chromedriver (no downloads).
 * Register it as a JUnit extension ({@code @RegisterExtension static final Browser browser = new
 * Browser();}): Chromium starts on first use with a fresh profile, a failed test leaves a
 * screenshot and the page source in target/browser/, and the browser quits after the class.
 */
public final class Browser implements AfterTestExecutionCallback, AfterAllCallback {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private ChromeDriver driver;
  private Path profile;

  public synchronized ChromeDriver driver() {
    if (driver == null) {
      try {
        profile = Files.createTempDirectory("sekisho-chromium-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM);
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--window-size=1280,900", "--lang=ja", "--user-data-dir=" + profile);
      // Japanese first, like the members' browsers (headless Chromium ignores --lang for Accept-Language).
      options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", "ja,en"));
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
      driver = new ChromeDriver(service, options);
      // Small implicit wait: elements of a page that is still loading are found without sleeps.
      driver.manage().timeouts().implicitlyWait(Duration.ofMillis(500));
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }
    return driver;
  }

  public void open(String url) {
    driver().get(url);
  }

  public WebElement find(String css) {
    return driver().findElement(By.cssSelector(css));
  }

  public String path() {
    return java.net.URI.create(driver().getCurrentUrl()).getPath();
  }

  /** Waits (up to 20 s) until the condition holds: pages that move on by themselves. */
  public <T> T await(ExpectedCondition<T> condition) {
    return new WebDriverWait(driver(), Duration.ofSeconds(20)).until(condition);
  }

  /** Screenshot and page source into target/browser/NAME.*. */
  public void capture(String name) {
    if (driver == null) {
      return;
    }
    try {
      Path dir = Path.of("target", "browser");
      Files.createDirectories(dir);
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(dir.resolve(name + ".html"), driver.getCurrentUrl() + "\n" + driver.getPageSource());
    } catch (IOException | RuntimeException e) {
      System.err.println("could not capture the browser: " + e);
    }
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      capture(context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (driver != null) {
      driver.quit();
      driver = null;
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // A temp directory left behind is harmless.
      }
    }
  }
}
