package dev.sekisho.web;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.launcher.Settings;
import dev.sekisho.testing.TestGateway;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway serving HTTPS itself from PEM files (a self-signed certificate made for the test):
 * cookies Secure and HSTS without any other setting, nothing in cleartext on that port.
 */
class TlsTest {
  static SelfSignedCertificate certificate;
  static TestGateway gateway;
  static HttpClient https;

  @BeforeAll
  static void start() throws Exception {
    certificate = SelfSignedCertificate.create("localhost");
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i + 1);
    }
    gateway = TestGateway.start(Map.of(
        "http.tls.certPath", certificate.certificatePath(),
        "http.tls.keyPath", certificate.privateKeyPath(),
        // Secure cookies mean production rules: the built-in development key for secrets is refused.
        "secrets.keys", "t1=" + Base64.getEncoder().encodeToString(key)));
    https = HttpClient.newBuilder().sslContext(trusting(Path.of(certificate.certificatePath())))
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    certificate.delete();
  }

  /** An SSL context that trusts exactly the test's certificate. */
  static SSLContext trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      store.setCertificateEntry("sekisho", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pagesAreServedOverTlsWithHstsAndSecureCookies() throws Exception {
    HttpResponse<String> login = get("/sekisho/login?lang=en");
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("Log in");
    assertThat(login.headers().firstValue("Strict-Transport-Security")).contains(SecurityHeaders.HSTS);
    List<String> cookies = login.headers().allValues("set-cookie");
    assertThat(cookies).anyMatch(c -> c.startsWith("sekisho.sid=")).anyMatch(c -> c.startsWith("sekisho.lang="));
    assertThat(cookies).allSatisfy(c -> assertThat(c).contains("Secure").containsIgnoringCase("HttpOnly").contains("SameSite=Lax"));
    assertThat(get("/health").headers().firstValue("Strict-Transport-Security")).as("every answer").isPresent();
  }

  @Test
  void cleartextHttpOnTheTlsPortGetsNoPage() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + "/sekisho/login"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() {
    HttpClient strict = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    assertThatThrownBy(() -> strict.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + "/sekisho/login"))
        .GET().build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void badTlsSettingsStopStartUpNamingTheKey() {
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of(), Map.of("http.tls.certPath", certificate.certificatePath()))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.keyPath");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of(), Map.of(
        "http.tls.certPath", "/nonexistent/cert.pem", "http.tls.keyPath", certificate.privateKeyPath()))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.certPath");
  }
}
