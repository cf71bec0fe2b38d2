package dev.sekisho.db;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.launcher.Settings;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS to a real PostgreSQL: the embedded server with a certificate made here (openssl), reached
 * through db.url and db.sslMode / db.sslRootCert by both clients (Flyway's JDBC and the reactive pool).
 */
class DatabaseTlsTest {
  private static Path base;
  private static EmbeddedPostgres server;
  private static Vertx vertx;

  @BeforeAll
  static void startServerWithoutTlsYet() throws Exception {
    base = Files.createTempDirectory(Path.of("/tmp"), "sekisho-tls-test-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    server = EmbeddedPostgres.start(base.resolve("data"), 0, "sekisho");
    vertx = Vertx.vertx();
    // Two authorities: the one that signs the server's certificate, and a stranger.
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
        "-keyout", "ca.key", "-out", "ca.crt");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Other CA",
        "-keyout", "other.key", "-out", "other.crt");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr");
    Files.writeString(base.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "san.ext", "-out", "server.crt");
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    server.close();
    try (var paths = Files.walk(base)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void tlsModesAgainstTheEmbeddedServer() throws Exception {
    // Before TLS is on: require must fail, not fall back to clear text.
    DatabaseTarget require = target("require", Map.of());
    assertThatThrownBy(() -> DatabaseWait.untilReachable(require, Duration.ofSeconds(30)))
        .isInstanceOf(DatabaseWait.Unreachable.class).hasMessageContaining("the server does not offer TLS, and sslmode is require");
    assertThatThrownBy(() -> sslInUse(require)).isInstanceOf(ExecutionException.class);

    enableTls();

    // Failed before: ?sslmode=require was dropped and the gateway connected in clear.
    assertThat(Migrations.apply(require)).isGreaterThanOrEqualTo(0);
    assertThat(sslInUse(require)).isTrue();

    Path caCert = base.resolve("ca.crt");
    DatabaseTarget verified = target("verify-full", Map.of("SEKISHO_DB_SSL_ROOT_CERT", caCert.toString()));
    assertThat(sslInUse(verified)).isTrue();
    assertThat(Migrations.apply(verified)).isGreaterThanOrEqualTo(0);

    DatabaseTarget wrongRoot = target("verify-full", Map.of("SEKISHO_DB_SSL_ROOT_CERT", base.resolve("other.crt").toString()));
    // Failed at once (no waiting mends it), one line naming the key.
    assertThatThrownBy(() -> DatabaseWait.untilReachable(wrongRoot, Duration.ofSeconds(30)))
        .isInstanceOf(DatabaseWait.Unreachable.class)
        .hasMessageContaining("TLS certificate was refused for sslmode verify-full with the root certificate")
        .hasMessageContaining("(db.sslRootCert)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> sslInUse(wrongRoot)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void urlParametersAreKeptOrRefusedByName() {
    DatabaseTarget kept = DatabaseTarget.of(Settings.from(ConfigLoader.load(Map.of("SEKISHO_DB_URL",
        "postgresql://u:p@db.internal:5433/portal?sslmode=require&application_name=sekisho-a"), Map.of())).db());
    assertThat(kept.tls().mode().value).isEqualTo("require");
    assertThat(kept.jdbcUrl()).contains("sslmode=require").contains("ApplicationName=sekisho-a");
    assertThat(kept.connectOptions().getProperties()).containsEntry("application_name", "sekisho-a");
    assertThatThrownBy(() -> DatabaseTarget.of(Settings.from(ConfigLoader.load(Map.of("SEKISHO_DB_URL",
        "postgresql://u:p@db.internal/portal?sslmode=require&connect_timeout=5"), Map.of())).db()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'connect_timeout'");
    assertThatThrownBy(() -> DatabaseTarget.of(Settings.from(ConfigLoader.load(Map.of("SEKISHO_DB_URL",
        "postgresql://u:p@db.internal/portal", "SEKISHO_DB_SSL_MODE", "verify-full"), Map.of())).db()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("db.sslRootCert");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of("SEKISHO_DB_SSL_MODE", "on"), Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("db.sslMode");
  }

  private static DatabaseTarget target(String mode, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("SEKISHO_DB_URL", "postgresql://" + server.user() + ":" + server.password() + "@127.0.0.1:" + server.port()
        + "/sekisho?sslmode=" + mode);
    return DatabaseTarget.of(Settings.from(ConfigLoader.load(env, Map.of())).db());
  }

  /** Through the reactive client: whether this very connection is encrypted. */
  private static boolean sslInUse(DatabaseTarget target) throws Exception {
    Pool pool = Pools.create(vertx, target, 1);
    try {
      return pool.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()").execute()
          .map(rows -> rows.iterator().next().getBoolean(0))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      pool.close();
    }
  }

  /** Certificate and key into the data directory, owned by the server's account, then ssl=on and a reload. */
  private static void enableTls() throws Exception {
    Path data = base.resolve("data");
    for (String name : List.of("server.crt", "server.key")) {
      Path copy = Files.copy(base.resolve(name), data.resolve(name));
      Files.setOwner(copy, Files.getOwner(data));
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
    }
    String clear = "jdbc:postgresql://127.0.0.1:" + server.port() + "/sekisho?sslmode=disable";
    try (Connection c = DriverManager.getConnection(clear, server.user(), server.password()); Statement s = c.createStatement()) {
      s.execute("alter system set ssl = on");
      s.execute("select pg_reload_conf()");
    }
    // The reload is asynchronous: wait until a new connection sees it (the server decides, not a clock).
    while (true) {
      try (Connection c = DriverManager.getConnection(clear, server.user(), server.password());
           Statement s = c.createStatement(); ResultSet r = s.executeQuery("show ssl")) {
        r.next();
        if (r.getString(1).equals("on")) {
          return;
        }
      }
      Thread.sleep(50);
    }
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }
}
