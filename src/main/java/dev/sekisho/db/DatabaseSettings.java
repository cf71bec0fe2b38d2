package dev.sekisho.db;

import dev.sekisho.config.ConfigReader;

import dev.sekisho.config.ConfigException;
import io.vertx.pgclient.SslMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code db} section: an external server (url or host) or, when neither is set, the embedded one. */
public record DatabaseSettings(
    String url, String host, int port, String database, String user, String password,
    int poolSize, int timeoutMs, Path embeddedDataDir, int embeddedPort, String sslMode, String sslRootCert,
    int startupWaitSeconds) {

  static final List<String> MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  public static DatabaseSettings from(ConfigReader config) {
    return new DatabaseSettings(
        config.string("db.url"),
        config.string("db.host"),
        config.integer("db.port", 1, 65535),
        config.requiredString("db.database"),
        config.string("db.user"),
        config.string("db.password"),
        config.integer("db.poolSize", 1, 200),
        config.integer("db.timeoutMs", 100, 600_000),
        Path.of(config.requiredString("db.embedded.dataDir")),
        config.integer("db.embedded.port", 0, 65535),
        sslMode(config),
        rootCert(config),
        // How long start-up waits for an external database that does not answer yet (0: not at all).
        config.integer("db.startupWaitSeconds", 0, 3600));
  }

  private static String sslMode(ConfigReader config) {
    String mode = config.string("db.sslMode");
    if (!mode.isEmpty() && !MODES.contains(mode)) {
      throw config.error("db.sslMode", "must be one of " + String.join(", ", MODES) + " (or empty: the URL's sslmode, else prefer)", mode);
    }
    return mode;
  }

  private static String rootCert(ConfigReader config) {
    String path = config.string("db.sslRootCert");
    if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
      throw config.error("db.sslRootCert", "must be a readable PEM certificate file", path);
    }
    return path;
  }

  /**
   * The TLS to use: db.sslMode over the URL's sslmode, else libpq's default (prefer); db.sslRootCert
   * over the URL's sslrootcert. Verifying modes need a root certificate.
   */
  public DatabaseTls tls(String urlMode, String urlRootCert) {
    String mode = !sslMode.isEmpty() ? sslMode : !urlMode.isEmpty() ? urlMode : "prefer";
    if (!MODES.contains(mode)) {
      throw new ConfigException("Configuration error: db.url (SEKISHO_DB_URL) has sslmode=" + mode + "; it must be one of "
          + String.join(", ", MODES));
    }
    String root = !sslRootCert.isEmpty() ? sslRootCert : urlRootCert;
    DatabaseTls tls = new DatabaseTls(SslMode.of(mode), root);
    if (tls.verifies() && root.isEmpty()) {
      throw new ConfigException("Configuration error: db.sslRootCert (SEKISHO_DB_SSL_ROOT_CERT) must be set for sslmode " + mode
          + " (the certificate that signed the database server's)");
    }
    return tls;
  }

  public boolean embedded() {
    return url.isEmpty() && host.isEmpty();
  }
}
