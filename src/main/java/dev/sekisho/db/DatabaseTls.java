package dev.sekisho.db;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.SslMode;

/**
 * TLS to the database, with libpq's modes: disable, allow, prefer, require (encrypted, any
 * certificate), verify-ca (signed by {@code rootCert}), verify-full (and naming the host). The same
 * mode reaches the reactive client and Flyway's JDBC connection, so neither talks in clear while
 * the other is encrypted.
 */
public record DatabaseTls(SslMode mode, String rootCert) {
  public static final DatabaseTls OFF = new DatabaseTls(SslMode.DISABLE, "");

  public boolean verifies() {
    return mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL;
  }

  /** For the reactive client: trust the root certificate when verifying, anything when only encrypting. */
  ClientSSLOptions clientOptions() {
    ClientSSLOptions options = new ClientSSLOptions();
    if (verifies()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(rootCert))
          .setHostnameVerificationAlgorithm(mode == SslMode.VERIFY_FULL ? "HTTPS" : "");
    } else {
      options.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    return options;
  }

  /** For pgJDBC's URL: its parameters have libpq's names. */
  String jdbcParameters() {
    StringBuilder out = new StringBuilder("sslmode=").append(mode.value);
    if (!rootCert.isEmpty()) {
      out.append("&sslrootcert=").append(java.net.URLEncoder.encode(rootCert, java.nio.charset.StandardCharsets.UTF_8));
    }
    return out.toString();
  }
}
