package dev.sekisho.db;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real servers, real JDBC. Passes as root (server runs as 'nobody') and as an ordinary user. */
class EmbeddedPostgresTest {

  private static final String DATABASE = "sekisho";

  private static Path base;

  @BeforeAll
  static void createBase() throws IOException {
    // Not JUnit's @TempDir: that is 0700, and under root the server runs as 'nobody', which must reach the data.
    base = Files.createTempDirectory(Path.of("/tmp"), "sekisho-pg-test-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  static void deleteBase() throws IOException {
    try (Stream<Path> paths = Files.walk(base)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }

  @Test
  void runsARealServerWhoseDataSurvivesARestart() throws Exception {
    Path data = base.resolve("restart");
    String password;
    try (EmbeddedPostgres server = EmbeddedPostgres.start(data, 0, DATABASE)) {
      assertEquals("127.0.0.1", server.host());
      assertEquals("postgres", server.user());
      assertEquals(DATABASE, server.database());
      assertTrue(server.port() > 0);
      assertTrue(Files.isExecutable(server.binDir().resolve("pg_ctl")));
      password = server.password();
      assertNotNull(password);
      try (Connection connection = connect(server); Statement sql = connection.createStatement()) {
        assertTrue(majorVersion(queryString(sql, "select version()")) >= 17);
        assertEquals("200", queryString(sql, "show max_connections"));
        assertEquals("on", queryString(sql, "show fsync"));
        assertEquals("127.0.0.1", queryString(sql, "show listen_addresses"));
        assertEquals("UTF8", queryString(sql, "show server_encoding"));
        sql.execute("create table kept (id int primary key, note text)");
        sql.execute("insert into kept values (1, 'first run')");
      }
      server.close();
      server.close();
    }
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(base.resolve("restart.password"))));

    try (EmbeddedPostgres again = EmbeddedPostgres.start(data, 0, DATABASE)) {
      assertEquals(password, again.password());
      try (Connection connection = connect(again); Statement sql = connection.createStatement()) {
        assertEquals("first run", queryString(sql, "select note from kept where id = 1"));
      }
    }
  }

  @Test
  void startsAgainAfterThePostmasterWasKilled() throws Exception {
    Path data = base.resolve("killed");
    try (EmbeddedPostgres server = EmbeddedPostgres.start(data, 0, DATABASE);
         Connection connection = connect(server);
         Statement sql = connection.createStatement()) {
      sql.execute("create table survivor (note text)");
      sql.execute("insert into survivor values ('committed before the crash')");
      killPostmaster(data);
    }
    assertTrue(Files.exists(data.resolve("postmaster.pid")), "the killed server leaves its stale lock file");

    try (EmbeddedPostgres again = EmbeddedPostgres.start(data, 0, DATABASE);
         Connection connection = connect(again);
         Statement sql = connection.createStatement()) {
      assertEquals("committed before the crash", queryString(sql, "select note from survivor"));
    }
  }

  @Test
  void takesOverAServerLeftRunningByAnEarlierProcess() throws Exception {
    Path data = base.resolve("leftover");
    // Never closed, as if its JVM had died: its server keeps running and holds the data directory.
    EmbeddedPostgres abandoned = EmbeddedPostgres.start(data, 0, DATABASE);
    abandoned.abandon();
    try (EmbeddedPostgres again = EmbeddedPostgres.start(data, 0, DATABASE);
         Connection connection = connect(again);
         Statement sql = connection.createStatement()) {
      assertEquals(DATABASE, queryString(sql, "select current_database()"));
      assertThrows(SQLException.class, () -> connect(abandoned).close());
    }
  }

  @Test
  void neverStopsAServerWhoseOwnerStillRuns() throws Exception {
    // Failed before: a second start took the live owner's server for a leftover and stopped it.
    Path data = base.resolve("owned");
    try (EmbeddedPostgres owner = EmbeddedPostgres.start(data, 0, DATABASE)) {
      OwnerLock.DatabaseInUse refused = assertThrows(OwnerLock.DatabaseInUse.class, () -> EmbeddedPostgres.start(data, 0, DATABASE));
      assertTrue(refused.getMessage().contains("in use by a running Sekisho process"), refused.getMessage());
      try (Connection connection = connect(owner); Statement sql = connection.createStatement()) {
        assertEquals(DATABASE, queryString(sql, "select current_database()"));
      }
    }
  }

  @Test
  void listensOnTheRequestedPort() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    try (EmbeddedPostgres server = EmbeddedPostgres.start(base.resolve("fixed-port"), port, "other_db");
         Connection connection = connect(server);
         Statement sql = connection.createStatement()) {
      assertEquals(port, server.port());
      assertEquals("other_db", queryString(sql, "select current_database()"));
    }
  }

  /**
   * A root JVM hands the server to 'nobody', who cannot pass a directory closed to others: the
   * start fails naming it. A non-root JVM runs the server as itself, which owns the directory.
   */
  @Test
  void aClosedParentIsNamedWhenTheServerRunsAsNobody() throws Exception {
    Path closed = Files.createDirectory(base.resolve("closed"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (!ServerAccount.isRoot()) {
      try (EmbeddedPostgres server = EmbeddedPostgres.start(closed.resolve("data"), 0, DATABASE)) {
        assertTrue(server.port() > 0);
      }
      return;
    }

    IOException failure = assertThrows(IOException.class,
        () -> EmbeddedPostgres.start(closed.resolve("data"), 0, DATABASE));

    assertTrue(failure.getMessage().contains(closed + " is closed to it"), failure.getMessage());
    assertTrue(failure.getMessage().contains("chmod o+x " + closed), failure.getMessage());
  }

  /** SIGKILL, as the OOM killer would; then waits until the postmaster and its children are gone and reaped. */
  private static void killPostmaster(Path data) throws Exception {
    long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> family = Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList();
    assertTrue(postmaster.destroyForcibly());
    for (ProcessHandle process : family) {
      process.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  private static Connection connect(EmbeddedPostgres server) throws SQLException {
    String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + server.database();
    return DriverManager.getConnection(url, server.user(), server.password());
  }

  private static String queryString(Statement sql, String query) throws SQLException {
    try (ResultSet row = sql.executeQuery(query)) {
      assertTrue(row.next(), query);
      return row.getString(1);
    }
  }

  private static int majorVersion(String version) {
    Matcher major = Pattern.compile("^PostgreSQL (\\d+)").matcher(version);
    assertTrue(major.find(), version);
    return Integer.parseInt(major.group(1));
  }
}
