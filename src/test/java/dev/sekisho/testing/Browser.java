package dev.sekisho.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WrapsElement;
import org.openqa.selenium.interactions.Locatable;
import org.openqa.selenium.support.pagefactory.ElementLocator;
import org.openqa.selenium.support.pagefactory.internal.LocatingElementHandler;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
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
 * Or use it directly: {@code try (Browser browser = Browser.start()) { ... }}.
 */
public final class Browser implements AfterTestExecutionCallback, AfterAllCallback, AutoCloseable {
  /** Generous upper bound for pages on a busy machine; never an assertion about speed. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private org.openqa.selenium.WebDriver driver;
  private Path profile;

  /**
   * The browser's driver: a Chromium driver (it also is a JavascriptExecutor, HasVirtualAuthenticator and
   * TakesScreenshot) behind {@link NodeGoneIsStale}.
   */
  public synchronized org.openqa.selenium.WebDriver driver() {
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
      driver = new NodeGoneIsStale().decorate(new ChromeDriver(service, options));
      // Small implicit wait: elements of a page that is still loading are found without sleeps.
      driver.manage().timeouts().implicitlyWait(Duration.ofMillis(500));
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }
    return driver;
  }

  /** The driver as the script runner it is. */
  public org.openqa.selenium.JavascriptExecutor js() {
    return (org.openqa.selenium.JavascriptExecutor) driver();
  }

  /** A browser started now, for try-with-resources use. */
  public static Browser start() {
    Browser browser = new Browser();
    browser.driver();
    return browser;
  }

  /** ID + password on the gateway's login page. */
  public void login(String baseUrl, String userId, String password) {
    driver().get(baseUrl + "/sekisho/login");
    driver().findElement(By.id("user_id")).sendKeys(userId);
    driver().findElement(By.id("password")).sendKeys(password);
    driver().findElement(By.id("login-submit")).click();
    waitFor(d -> !d.getCurrentUrl().endsWith("/sekisho/login"));
  }

  /** On the portal's top page (the demo upstream): checks whom it shows, then logs out through the gateway. */
  public void logoutFromTopPage(String userId) {
    String shown = visible("user").getText();
    if (!shown.equals(userId)) {
      throw new AssertionError("the top page shows " + shown + ", expected " + userId);
    }
    driver().findElement(By.id("logout-link")).click();
    visible("logout").click();
    waitForPath("/sekisho/login");
  }

  /**
   * The element with this id, once visible, as a handle that finds it again by its id for every call
   * (Selenium's page-factory locating proxy). A plain element found right after a click that loads a new
   * page may be the old page's one of the same id, gone stale by the next call: three browser tests failed
   * so in full suites (getText, findElements on #notice, #form-error, #audit-events). Found again per call,
   * the handle reads the page that is there.
   */
  public WebElement visible(String id) {
    By located = By.id(id);
    new WebDriverWait(driver(), PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(located));
    ElementLocator locator = new ElementLocator() {
      @Override
      public WebElement findElement() {
        return driver().findElement(located);
      }

      @Override
      public java.util.List<WebElement> findElements() {
        return driver().findElements(located);
      }
    };
    return (WebElement) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {WebElement.class, WrapsElement.class, Locatable.class},
        askedAgainWhenReplaced(new LocatingElementHandler(locator)));
  }

  /**
   * A locating handle finds the element afresh, but the page can still be replaced between that find and
   * the call on it: such a call is made again, on the element the page now has, a few times at most.
   */
  private static java.lang.reflect.InvocationHandler askedAgainWhenReplaced(java.lang.reflect.InvocationHandler handler) {
    return (proxy, method, args) -> {
      for (int attempt = 1; ; attempt++) {
        try {
          return handler.invoke(proxy, method, args);
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
          if (attempt == 5) {
            throw e;
          }
        }
        Thread.sleep(100);
      }
    };
  }

  /**
   * The text of the element with this id once it contains expected. After a click that loads a new page the
   * old page's element of the same id may still be found and then go stale: this waits through that.
   */
  public String textOnceItSays(String id, String expected) {
    return new WebDriverWait(driver(), PATIENCE).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> {
          String text = d.findElement(By.id(id)).getText();
          return text.contains(expected) ? text : null;
        });
  }

  /**
   * Clicks the button that posts a form and waits until the answer has replaced the page. A wait for an
   * element of the answer alone is not enough when the page before it had that element too (an error
   * after an error): it is found on the old page, which then goes stale under the next read.
   */
  public void submitAndAwaitNewPage(String buttonId) {
    clickAndAwaitNewPage(visible(buttonId));
  }

  /** Clicks an element whose click posts a form or follows a link, and waits until the answer replaced the page. */
  public void clickAndAwaitNewPage(WebElement element) {
    WebElement page = driver().findElement(By.tagName("html"));
    element.click();
    new WebDriverWait(driver(), PATIENCE).until(ExpectedConditions.stalenessOf(page));
  }

  public void waitForPath(String path) {
    waitFor(d -> java.net.URI.create(d.getCurrentUrl()).getPath().equals(path));
  }

  public void waitFor(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
    new WebDriverWait(driver(), PATIENCE).until(condition::apply);
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

  /** Waits until the condition holds: pages that move on by themselves. */
  public <T> T await(ExpectedCondition<T> condition) {
    return new WebDriverWait(driver(), PATIENCE).until(condition);
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
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public synchronized void close() {
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

  /**
   * The driver with one answer of chromedriver's translated: a node of a page that has been replaced is
   * at times answered with an "unknown error" that it "does not belong to the document" instead of a
   * stale element (CI failed so in StaffTokenTest, ConsoleLifecycleBrowserTest). As a stale element it
   * is what Selenium's waits (stalenessOf, the ignoring of stale elements) already know how to wait out.
   */
  private static final class NodeGoneIsStale extends org.openqa.selenium.support.decorators.WebDriverDecorator<org.openqa.selenium.WebDriver> {
    @Override
    public Object onError(org.openqa.selenium.support.decorators.Decorated<?> target, java.lang.reflect.Method method,
                          Object[] args, java.lang.reflect.InvocationTargetException e) throws Throwable {
      if (e.getTargetException() instanceof org.openqa.selenium.WebDriverException error
          && !(error instanceof org.openqa.selenium.StaleElementReferenceException)
          && error.getMessage() != null && error.getMessage().contains("does not belong to the document")) {
        throw new org.openqa.selenium.StaleElementReferenceException("the element's page has been replaced", error);
      }
      return super.onError(target, method, args, e);
    }
  }
}
