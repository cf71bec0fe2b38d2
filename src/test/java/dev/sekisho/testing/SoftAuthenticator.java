package dev.sekisho.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A passkey authenticator in the test: an ES256 key pair, "none" attestation, user presence and
 * verification flagged, answering the gateway's real WebAuthn ceremonies (the same JSON the
 * pages' passkey.js sends). The gateway verifies it with webauthn4j as it would a phone's.
 */
public final class SoftAuthenticator {
  private static final Pattern CSRF = Pattern.compile("data-csrf=\"([^\"]+)\"");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final KeyPair keys;
  private final byte[] credentialId = new byte[32];
  private final String origin;
  private int signCount;

  private SoftAuthenticator(String origin) {
    this.origin = origin;
    new SecureRandom().nextBytes(credentialId);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Registers a new passkey as the member's first method, through the set-up page in a client of its own. */
  public static SoftAuthenticator registeredFor(String baseUrl, String id) {
    Sql.memberState(id, "onboarded", "passkey");
    SoftAuthenticator authenticator = new SoftAuthenticator(baseUrl);
    WebClientSession setUp = new WebClientSession(baseUrl);
    HttpResponse<String> login = setUp.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.headers().firstValue("Location")).as("login to the set-up").contains("/sekisho/setup/passkey");
    HttpResponse<String> registered = authenticator.register(setUp, "/sekisho/setup/passkey", baseUrl);
    assertThat(registered.statusCode()).as("passkey registered: " + registered.body()).isEqualTo(200);
    setUp.get("/sekisho/setup/passkey");
    SignedIn.logOut(setUp);
    return authenticator;
  }

  /**
   * A new passkey added by a signed-in member on the passkeys page (after the account page's fresh
   * check, or refused); returns the gateway's answer to the ceremony's end.
   */
  public static HttpResponse<String> addOn(WebClientSession signedIn, String baseUrl) {
    return new SoftAuthenticator(baseUrl).register(signedIn, "/sekisho/account/passkeys", baseUrl);
  }

  private HttpResponse<String> register(WebClientSession setUp, String page, String baseUrl) {
    SoftAuthenticator authenticator = this;
    String csrf = csrfOf(setUp.get(page));
    JsonObject options = new JsonObject(postJson(setUp, "/sekisho/passkey/register/options", csrf, "{}").body());
    String rpId = options.getJsonObject("rp").getString("id");
    byte[] clientData = clientData("webauthn.create", options.getString("challenge"), baseUrl);
    byte[] authData = authenticator.authenticatorData(rpId, 0x45, authenticator.attestedCredential());
    byte[] attestation = cborMap3("fmt", cborText("none"), "attStmt", new byte[] {(byte) 0xa0}, "authData", cborBytes(authData));
    JsonObject credential = authenticator.credential(new JsonObject()
        .put("clientDataJSON", B64.encodeToString(clientData))
        .put("attestationObject", B64.encodeToString(attestation))
        .put("transports", new JsonArray().add("internal")));
    return postJson(setUp, "/sekisho/passkey/register", csrf, credential.encode());
  }

  /** Answers the sign-in ceremony on the browser's verify page; returns the gateway's answer ({"location": ...}). */
  public HttpResponse<String> signIn(WebClientSession browser) {
    String csrf = csrfOf(browser.get("/sekisho/verify/passkey"));
    JsonObject options = new JsonObject(postJson(browser, "/sekisho/verify/passkey/options", csrf, "{}").body());
    byte[] clientData = clientData("webauthn.get", options.getString("challenge"), origin);
    byte[] authData = authenticatorData(options.getString("rpId"), 0x05, new byte[0]);
    byte[] signature;
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate());
      signer.update(authData);
      signer.update(sha256(clientData));
      signature = signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    JsonObject assertion = credential(new JsonObject()
        .put("clientDataJSON", B64.encodeToString(clientData))
        .put("authenticatorData", B64.encodeToString(authData))
        .put("signature", B64.encodeToString(signature)));
    HttpResponse<String> answer = postJson(browser, "/sekisho/verify/passkey", csrf, assertion.encode());
    assertThat(answer.statusCode()).as("passkey sign-in: " + answer.body()).isEqualTo(200);
    return answer;
  }

  private JsonObject credential(JsonObject response) {
    response.put("clientExtensionResults", new JsonObject());
    String id = B64.encodeToString(credentialId);
    return new JsonObject().put("id", id).put("rawId", id).put("type", "public-key").put("response", response);
  }

  /** AAGUID (zeros), the credential id and its COSE ES256 public key. */
  private byte[] attestedCredential() {
    ECPublicKey pub = (ECPublicKey) keys.getPublic();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[16]);
    out.write(credentialId.length >> 8);
    out.write(credentialId.length & 0xff);
    out.writeBytes(credentialId);
    // {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}
    out.writeBytes(new byte[] {(byte) 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21});
    out.writeBytes(cborBytes(unsigned32(pub.getW().getAffineX())));
    out.write(0x22);
    out.writeBytes(cborBytes(unsigned32(pub.getW().getAffineY())));
    return out.toByteArray();
  }

  private byte[] authenticatorData(String rpId, int flags, byte[] attested) {
    signCount++;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
    out.write(flags);
    out.writeBytes(ByteBuffer.allocate(4).putInt(signCount).array());
    out.writeBytes(attested);
    return out.toByteArray();
  }

  private static byte[] clientData(String type, String challenge, String origin) {
    return new JsonObject().put("type", type).put("challenge", challenge).put("origin", origin).put("crossOrigin", false)
        .encode().getBytes(StandardCharsets.UTF_8);
  }

  private static String csrfOf(HttpResponse<String> page) {
    Matcher m = CSRF.matcher(page.body());
    assertThat(m.find()).as("the passkey page carries data-csrf: " + page.statusCode()).isTrue();
    return m.group(1);
  }

  private static HttpResponse<String> postJson(WebClientSession client, String path, String csrf, String body) {
    HttpRequest request = client.request(path).header("Content-Type", "application/json").header("Accept", "application/json")
        .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> answer = client.send(request);
    assertThat(answer.statusCode()).as(path + ": " + answer.body()).isLessThan(300);
    return answer;
  }

  private static byte[] unsigned32(BigInteger n) {
    byte[] raw = n.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] cborText(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return withHeader(0x60, utf8);
  }

  private static byte[] cborBytes(byte[] bytes) {
    return withHeader(0x40, bytes);
  }

  private static byte[] withHeader(int major, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (body.length < 24) {
      out.write(major | body.length);
    } else if (body.length < 256) {
      out.write(major | 24);
      out.write(body.length);
    } else {
      out.write(major | 25);
      out.write(body.length >> 8);
      out.write(body.length & 0xff);
    }
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] cborMap3(String k1, byte[] v1, String k2, byte[] v2, String k3, byte[] v3) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xa3);
    out.writeBytes(cborText(k1));
    out.writeBytes(v1);
    out.writeBytes(cborText(k2));
    out.writeBytes(v2);
    out.writeBytes(cborText(k3));
    out.writeBytes(v3);
    return out.toByteArray();
  }
}
