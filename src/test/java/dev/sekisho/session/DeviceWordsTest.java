package dev.sekisho.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The device and browser of a user-agent string in the words the account page shows. */
class DeviceWordsTest {
  private static final String CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
      + "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
  private static final String SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
      + "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
  private static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
  private static final String EDGE_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
      + "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91";

  private static final DeviceWords.Phrasing ENGLISH = new DeviceWords.Phrasing("{browser} on {system}", "{words} ({model})",
      "Unknown device");
  private static final DeviceWords.Phrasing JAPANESE = new DeviceWords.Phrasing("{system} の {browser}", "{words}（{model}）",
      "不明な端末");

  @Test
  void namesBrowserAndSystemInEachLanguage() {
    assertThat(ENGLISH.words(DeviceWords.parse(CHROME_WINDOWS))).isEqualTo("Chrome on Windows");
    assertThat(JAPANESE.words(DeviceWords.parse(CHROME_WINDOWS))).isEqualTo("Windows の Chrome");
    assertThat(ENGLISH.words(DeviceWords.parse(FIREFOX_LINUX))).isEqualTo("Firefox on Linux");
    assertThat(ENGLISH.words(DeviceWords.parse(EDGE_MAC))).isEqualTo("Edge on Mac OS X");
  }

  @Test
  void namesThePhoneModelWhenTheStringTellsIt() {
    assertThat(ENGLISH.words(DeviceWords.parse(SAFARI_IPHONE))).isEqualTo("Mobile Safari on iOS (iPhone)");
    assertThat(JAPANESE.words(DeviceWords.parse(SAFARI_IPHONE))).isEqualTo("iOS の Mobile Safari（iPhone）");
  }

  @Test
  void headlessChromiumIsNamedToo() {
    String headless = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36";
    assertThat(ENGLISH.words(DeviceWords.parse(headless))).isEqualTo("HeadlessChrome on Linux");
  }

  @Test
  void unknownMissingOrOverlongStringsAreAnUnknownDevice() {
    assertThat(ENGLISH.words(DeviceWords.parse(null))).isEqualTo("Unknown device");
    assertThat(ENGLISH.words(DeviceWords.parse("   "))).isEqualTo("Unknown device");
    assertThat(ENGLISH.words(DeviceWords.parse("zq7-nothing-anyone-knows"))).isEqualTo("Unknown device");
    assertThat(ENGLISH.words(DeviceWords.parse("curl/8.5.0"))).isEqualTo("curl");
    assertThat(JAPANESE.words(DeviceWords.parse("Mozilla/5.0 " + "x".repeat(600)))).isEqualTo("不明な端末");
  }

  @Test
  void aStringWithOnlyASystemNamesTheSystem() {
    assertThat(ENGLISH.words(new DeviceWords.Device(null, "Android", null))).isEqualTo("Android");
  }
}
