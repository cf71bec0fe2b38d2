package dev.sekisho.testing;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keyboard alone (issue 17 item 8): Tab through the page to a control, which must show a
 * visible focus outline when it gets there, then type or press Enter / Space. No clicks.
 */
public final class Keyboard {
  private Keyboard() {}

  /** Presses Tab until the element the CSS selector names has the focus; it must show a focus outline. */
  public static void tabTo(WebDriver driver, String selector) {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    for (int i = 0; i < 40; i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      if (Boolean.TRUE.equals(js.executeScript("return document.activeElement === document.querySelector(arguments[0])", selector))) {
        Object outline = js.executeScript("return getComputedStyle(document.activeElement).outlineStyle");
        assertThat(outline).as("visible focus on " + selector).isNotEqualTo("none");
        return;
      }
    }
    throw new AssertionError(selector + " cannot be reached with Tab on " + driver.getCurrentUrl());
  }

  public static void keys(WebDriver driver, CharSequence... keys) {
    new Actions(driver).sendKeys(keys).perform();
  }
}
