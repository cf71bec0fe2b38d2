package dev.sekisho.testing;

import dev.sekisho.mail.MailCatcher;
import io.vertx.core.json.JsonObject;
import org.apache.commons.codec.binary.Base32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brings a browser through the whole journey with a real second factor: a member with a method set
 * up, ID + password, then the factor's own sign-in page with a correct code. TOTP is set up
 * through the set-up pages (in a client of its own, so the browser's remembered page is
 * untouched); HOTP is assigned through the admin API; email codes are read from the gateway's mail
 * catcher; a passkey is registered and used by {@link SoftAuthenticator}.
 */
public final class SignedIn {
  private static final Pattern KEY = Pattern.compile("data-key=\"([A-Z2-7]+)\"");
  /** The email OTP mail's subject (J2.7); the tests' browsers ask for Japanese. */
  private static final String CODE_SUBJECT = "ワンタイムパスワードのお知らせ";
  private static final Pattern CODE_LINE = Pattern.compile("(?m)^(\\d{6})\\r?$");
  /** A fixed HOTP token secret for the tests (the admin API takes it as Base32). */
  private static final byte[] HOTP_TOKEN = "sekisho-test-hotp-token!".getBytes(StandardCharsets.US_ASCII);

  private SignedIn() {}

  /** A new member, signed in completely with the method; returns the member's user ID. */
  public static String member(TestGateway gateway, WebClientSession browser, String method) {
    String id = gateway.admin().newMember("gw");
    complete(gateway, browser, id, method);
    return id;
  }

  /**
   * Sets the method up for the member, logs the browser in and passes the second step with a
   * correct code; returns the answer of the last step (a redirect to the page remembered).
   */
  public static HttpResponse<String> complete(TestGateway gateway, WebClientSession browser, String id, String method) {
    Factor factor = setUp(gateway, id, method);
    HttpResponse<String> login = browser.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.statusCode()).as("login").isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/verify");
    return factor.pass(browser);
  }

  /** Sets the method up for real (the member ends in method_set_up); the factor then passes second steps. */
  public static Factor setUp(TestGateway gateway, String id, String method) {
    return switch (method) {
      case "totp" -> setUpTotp(gateway.baseUrl(), id);
      case "hotp" -> {
        Sql.memberSetUp(id, "hotp");
        HttpResponse<String> assign = gateway.admin().call("PUT", "/members/" + id + "/hotp", new JsonObject()
            .put("serial", "SN-" + id).put("secretBase32", new Base32().encodeToString(HOTP_TOKEN)).put("counter", 0)
            .encode(), "application/json");
        assertThat(assign.statusCode()).as("HOTP token assigned: " + assign.body()).isEqualTo(200);
        yield new Hotp();
      }
      case "email" -> {
        Sql.memberSetUp(id, "email");
        yield new Email(Mailboxes.of(gateway), id + "@example.jp");
      }
      case "passkey" -> {
        SoftAuthenticator authenticator = SoftAuthenticator.registeredFor(gateway.baseUrl(), id);
        // The passkey page answers in JSON: {"location": the page remembered}.
        yield authenticator::signIn;
      }
      default -> throw new IllegalArgumentException("no second factor " + method);
    };
  }

  /** A member's set-up second factor, as the member's device would answer it. */
  @FunctionalInterface
  public interface Factor {
    /** Passes the second step of a browser signed in with the password; returns the gateway's last answer. */
    HttpResponse<String> pass(WebClientSession browser);

    /** The code the factor would give now, for a browser driven by hand (Chromium); a passkey has none. */
    default String code() {
      throw new UnsupportedOperationException("this factor gives no code");
    }
  }

  private static HttpResponse<String> finished(HttpResponse<String> step) {
    assertThat(step.statusCode()).as("second step: " + step.body()).isEqualTo(303);
    assertThat(step.headers().firstValue("Location").orElse("")).as("signed in").doesNotContain("/sekisho/verify");
    return step;
  }

  /** TOTP: each code is accepted once, so each pass uses a later time step than the one before. */
  static final class Totp implements Factor {
    private final byte[] key;
    private long usedStep;

    Totp(byte[] key, long usedStep) {
      this.key = key;
      this.usedStep = usedStep;
    }

    @Override
    public synchronized String code() {
      long now = System.currentTimeMillis() / 1000 / 30;
      usedStep = now > usedStep ? now : usedStep + 1;
      return hotp(key, usedStep);
    }

    @Override
    public HttpResponse<String> pass(WebClientSession browser) {
      browser.get("/sekisho/verify/totp");
      return finished(browser.post("/sekisho/verify/totp", Map.of("code", code())));
    }
  }

  /** HOTP: the token's counter moves on with each code. */
  static final class Hotp implements Factor {
    private long counter;

    @Override
    public synchronized String code() {
      return hotp(HOTP_TOKEN, counter++);
    }

    @Override
    public HttpResponse<String> pass(WebClientSession browser) {
      browser.get("/sekisho/verify/hotp");
      return finished(browser.post("/sekisho/verify/hotp", Map.of("code", code())));
    }
  }

  /** Email: the code page sends a mail; the code is read from the gateway's mail catcher. */
  record Email(MailCatcher catcher, String to) implements Factor {
    @Override
    public HttpResponse<String> pass(WebClientSession browser) {
      int before = codeMails(catcher, to);
      assertThat(browser.get("/sekisho/verify/email").statusCode()).as("the email code page").isEqualTo(200);
      return finished(browser.post("/sekisho/verify/email", Map.of("code", mailedCode(catcher, to, before))));
    }
  }

  /** How many code mails reached the address (security notices to the same address are not codes). */
  public static int codeMails(MailCatcher catcher, String to) {
    return Mailboxes.countSubject(to, CODE_SUBJECT, catcher);
  }

  /** The code in the next code mail to the address after the given number of them. */
  public static String mailedCode(MailCatcher catcher, String to, int before) {
    Matcher code = CODE_LINE.matcher(Mailboxes.awaitSubject(to, CODE_SUBJECT, before + 1, catcher).body());
    assertThat(code.find()).as("a code in the mail").isTrue();
    return code.group(1);
  }

  /** Sets TOTP up through the real set-up pages in a client of its own. */
  private static Totp setUpTotp(String baseUrl, String id) {
    Sql.memberState(id, "onboarded", "totp");
    WebClientSession setUp = new WebClientSession(baseUrl);
    HttpResponse<String> login = setUp.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.headers().firstValue("Location")).as("login to the set-up").contains("/sekisho/setup/totp");
    HttpResponse<String> page = setUp.get("/sekisho/setup/totp");
    Matcher m = KEY.matcher(page.body());
    assertThat(m.find()).as("the set-up page shows the key").isTrue();
    byte[] key = new Base32().decode(m.group(1));
    long step = System.currentTimeMillis() / 1000 / 30;
    HttpResponse<String> done = setUp.post("/sekisho/setup/totp", Map.of("code", hotp(key, step)));
    assertThat(done.statusCode()).as("TOTP set up: " + done.body()).isEqualTo(200);
    logOut(setUp);
    return new Totp(key, step);
  }

  /** Ends a set-up client's session, so tests that count a member's sessions see only the browser's. */
  static void logOut(WebClientSession setUp) {
    HttpResponse<String> out = setUp.post("/sekisho/logout", Map.of());
    assertThat(out.statusCode()).as("set-up client logged out: " + out.body()).isEqualTo(303);
  }

  /** RFC 4226 with HMAC-SHA1 and six digits, written here so the tests do not trust the code they test. */
  static String hotp(byte[] key, long counter) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
      int o = h[h.length - 1] & 0xf;
      int binary = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
      return String.format("%06d", binary % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
