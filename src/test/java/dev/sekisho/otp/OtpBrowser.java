package dev.sekisho.otp;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * (Same as the passkey branch's testing.Browser, kept here because the onboarding branch has a different
 * helper of that name; the lead may fold them together.) Real headless Chromium (Debian's chromium and chromium-driver) with a fresh profile. Waits are
 * generous upper bounds for a busy machine, never assertions about speed.
 */
final class OtpBrowser implements AutoCloseable {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final ChromeDriver driver;
  private final Path profile;

  private OtpBrowser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  static OtpBrowser start() {
    try {
      Path profile = Files.createTempDirectory("sekisho-chromium-");
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary("/usr/bin/chromium");
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--lang=ja", "--accept-lang=ja", "--user-data-dir=" + profile);
      // Japanese first, like the members: the pages answer in the Accept-Language the browser sends.
      options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", "ja"));
      return new OtpBrowser(new ChromeDriver(service, options), profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** ID + password on the gateway's login page. */
  public void login(String baseUrl, String userId, String password) {
    driver.get(baseUrl + "/sekisho/login");
    driver.findElement(By.id("user_id")).sendKeys(userId);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.id("login-submit")).click();
    waitFor(d -> !d.getCurrentUrl().endsWith("/sekisho/login"));
  }

  public WebElement visible(String id) {
    return new WebDriverWait(driver, PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  public void waitForPath(String path) {
    waitFor(d -> java.net.URI.create(d.getCurrentUrl()).getPath().equals(path));
  }

  public void waitFor(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
    new WebDriverWait(driver, PATIENCE).until(condition::apply);
  }

  public String path() {
    return java.net.URI.create(driver.getCurrentUrl()).getPath();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temp profile is harmless
      }
    }
  }
}
