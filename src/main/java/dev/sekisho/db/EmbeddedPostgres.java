package dev.sekisho.db;

import dev.sekisho.net.LocalPorts;

import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real PostgreSQL server run from the binaries in the zonky Maven artifacts, with its data in a directory of the
 * caller's choosing. Every method blocks: call them on a worker thread, never on an event loop.
 *
 * <p>Beside the data directory {@code <dataDir>} live {@code <dataDir>.password} (the superuser's password, 0600,
 * generated at initdb and reused by every later start) and {@code <dataDir>.log} (the server log).
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private static final String HOST = "127.0.0.1";
  private static final String SUPERUSER = "postgres";
  /** initdb syncs the whole new cluster to disk, which can be slow on a busy disk. */
  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
  /** pg_ctl's own wait; the process itself gets longer so that pg_ctl reports a slow start in its own words. */
  private static final int PG_CTL_WAIT_SECONDS = 60;
  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 30);
  /**
   * Server settings for a gateway, given on every start so they hold whatever postgresql.conf says. TCP on loopback
   * only, and no Unix socket at all: nothing for the unprivileged account to write outside the data directory, and
   * no socket-path length limit. pg_ctl -w watches postmaster.pid, not the socket, so it needs none.
   */
  private static final String SERVER_SETTINGS = "-c listen_addresses=" + HOST + " -c unix_socket_directories=''"
      + " -c max_connections=200 -c shared_buffers=128MB -c fsync=on";
  private static final int LOG_TAIL_LINES = 20;
  private static final int LOG_TAIL_BYTES = 16 * 1024;
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private final Path installDir;
  private final Path dataDir;
  private final Path logFile;
  private final ServerAccount account;
  private final int port;
  private final String password;
  private final String database;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final OwnerLock owner;

  private EmbeddedPostgres(Path installDir, Path dataDir, Path logFile, ServerAccount account, int port,
                           String password, String database, OwnerLock owner) {
    this.owner = owner;
    this.installDir = installDir;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.account = account;
    this.port = port;
    this.password = password;
    this.database = database;
  }

  /**
   * Starts (initialising if empty) a server with its data in dataDir, listening on 127.0.0.1:port only (port 0 =
   * pick a free one). Creates database {@code database} if missing. Returns once it accepts connections.
   *
   * <p>One server per data directory: a server still running on it (left by a process that died without
   * {@link #close()}) is stopped first; one whose owner still runs is left alone and this start fails
   * with {@link OwnerLock.DatabaseInUse}.
   */
  public static EmbeddedPostgres start(Path dataDir, int port, String database) throws IOException {
    requireValid(dataDir, port, database);
    Path data = dataDir.toAbsolutePath().normalize();
    Path passwordFile = data.resolveSibling(data.getFileName() + ".password");
    Path logFile = data.resolveSibling(data.getFileName() + ".log");
    Path installDir = PostgresBinaries.install();
    ServerAccount account = ServerAccount.detect();

    Path lockFile = data.resolveSibling(data.getFileName() + ".lock");
    DataDirectory paths = new DataDirectory(data, List.of(passwordFile, logFile, lockFile));
    OwnerLock owner;
    try {
      Files.createDirectories(data.getParent());
      // Before anything touches the data directory: a live owner's server must never be stopped.
      owner = OwnerLock.acquire(data);
    } catch (IOException e) {
      if (!(e instanceof OwnerLock.DatabaseInUse)) {
        paths.removeCreated();
      }
      throw DataDirectory.unusable(data, e);
    }
    try {
      return startOwned(data, port, database, passwordFile, logFile, installDir, account, owner);
    } catch (IOException e) {
      owner.close();
      paths.removeCreated();
      throw DataDirectory.unusable(data, e);
    } catch (RuntimeException e) {
      owner.close();
      paths.removeCreated();
      throw e;
    }
  }

  private static EmbeddedPostgres startOwned(Path data, int port, String database, Path passwordFile, Path logFile,
                                             Path installDir, ServerAccount account, OwnerLock owner) throws IOException {
    prepareDataDir(data, account);
    String password = passwordFor(data, passwordFile, account);
    prepareLogFile(logFile, account);
    account.requireReachable(installDir.resolve("bin"), "a temp directory", "java.io.tmpdir");
    for (Path path : List.of(data, passwordFile, logFile)) {
      account.requireReachable(path, "a data directory", "SEKISHO_DB_EMBEDDED_DATA_DIR");
    }
    if (!holdsCluster(data)) {
      initdb(installDir, data, passwordFile, account);
    }

    EmbeddedPostgres server = new EmbeddedPostgres(
        installDir, data, logFile, account, port == 0 ? LocalPorts.unused() : port, password, database, owner);
    server.stopLeftoverServer();
    server.startServer();
    try {
      server.createDatabaseIfMissing();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  public int port() {
    return port;
  }

  public String host() {
    return HOST;
  }

  public String user() {
    return SUPERUSER;
  }

  public String password() {
    return password;
  }

  public String database() {
    return database;
  }

  /** Holds postgres, pg_ctl and initdb; the zonky archive ships neither psql nor pgbench. */
  public Path binDir() {
    return installDir.resolve("bin");
  }

  /** Stops the server cleanly (fast shutdown: open sessions are rolled back). Idempotent; failures are only logged. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      ServerAccount.Result stop = pgCtl("stop", "-m", "fast", "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS));
      if (stop.exitCode() != 0) {
        LOG.warn("Stopping the embedded PostgreSQL in {} failed (pg_ctl exit {}){}",
            dataDir, stop.exitCode(), ServerAccount.outputSuffix(stop.output()));
      }
    } catch (IOException e) {
      LOG.warn("Stopping the embedded PostgreSQL in {} failed", dataDir, e);
    } finally {
      owner.close();
    }
  }

  /** Lets go of the data directory without stopping the server, as a process that dies does (for tests). */
  void abandon() {
    closed.set(true);
    owner.close();
  }

  /** Present while the server runs: pg_ctl stop (by anyone) removes it. */
  public Path pidFile() {
    return dataDir.resolve("postmaster.pid");
  }

  /** For log lines: never the password. */
  @Override
  public String toString() {
    return "embedded PostgreSQL postgresql://" + SUPERUSER + "@" + HOST + ":" + port + "/" + database
        + " (data " + dataDir + ")";
  }

  private static void requireValid(Path dataDir, int port, String database) {
    if (dataDir.toAbsolutePath().normalize().getParent() == null) {
      throw new IllegalArgumentException("The embedded PostgreSQL data directory cannot be the file-system root");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Port must be 0 (any free port) or 1-65535, not " + port);
    }
    // PostgreSQL silently truncates longer names, which would make the "is it there yet?" check miss every time.
    if (database.isEmpty() || database.getBytes(StandardCharsets.UTF_8).length > 63 || database.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("Database name must be 1-63 bytes without NUL: '" + database + "'");
    }
  }

  private static void prepareDataDir(Path data, ServerAccount account) throws IOException {
    if (!Files.exists(data)) {
      // PostgreSQL insists on 0700 (or 0750) for its data directory.
      Files.createDirectory(data, OWNER_ONLY_DIR);
    }
    account.handOver(data);
  }

  private static boolean holdsCluster(Path data) {
    return Files.exists(data.resolve("PG_VERSION"));
  }

  /** The stored password, or a new random one written (0600) before initdb so a crash cannot lose it. */
  private static String passwordFor(Path data, Path passwordFile, ServerAccount account) throws IOException {
    if (Files.exists(passwordFile)) {
      String stored = Files.readAllLines(passwordFile).stream().findFirst().orElse("").strip();
      if (stored.isEmpty()) {
        throw new IOException("The embedded PostgreSQL password file " + passwordFile + " is empty: restore it, or"
            + " delete it together with " + data + " to start afresh");
      }
      return stored;
    }
    if (holdsCluster(data)) {
      throw new IOException(data + " holds a PostgreSQL cluster but its password file " + passwordFile
          + " is missing, so Sekisho cannot log in: restore the file, or delete the data directory to start afresh");
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Files.createFile(passwordFile, OWNER_ONLY_FILE);
    Files.writeString(passwordFile, password + "\n");
    // initdb reads it as the server account.
    account.handOver(passwordFile);
    return password;
  }

  /** Made here and handed over: pg_ctl opens it as the server account, which may not create files in that directory. */
  private static void prepareLogFile(Path logFile, ServerAccount account) throws IOException {
    if (!Files.exists(logFile)) {
      Files.createFile(logFile, OWNER_ONLY_FILE);
    }
    account.handOver(logFile);
  }

  private static void initdb(Path installDir, Path data, Path passwordFile, ServerAccount account)
      throws IOException {
    LOG.info("Initialising a new PostgreSQL cluster in {}", data);
    ServerAccount.Result initdb = account.run(INITDB_TIMEOUT, data.getParent(), List.of(
        installDir.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
        "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-instructions"));
    if (initdb.exitCode() != 0) {
      throw new IOException("initdb could not create a PostgreSQL cluster in " + data + " (exit "
          + initdb.exitCode() + ")" + ServerAccount.outputSuffix(initdb.output()));
    }
  }

  /**
   * A server left running by an earlier process that died without close() still holds the data directory, so this
   * start would fail: stop it first. (A postmaster.pid left by a killed server is stale, and PostgreSQL itself
   * ignores it.)
   */
  private void stopLeftoverServer() throws IOException {
    if (!Files.exists(dataDir.resolve("postmaster.pid")) || pgCtl("status").exitCode() != 0) {
      return;
    }
    LOG.warn("A PostgreSQL server from an earlier run is still using {}; stopping it", dataDir);
    ServerAccount.Result stop = pgCtl("stop", "-m", "fast", "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS));
    if (stop.exitCode() != 0) {
      throw new IOException("A PostgreSQL server from an earlier run still uses " + dataDir + " and would not stop"
          + ServerAccount.outputSuffix(stop.output()) + logTail());
    }
  }

  private void startServer() throws IOException {
    ServerAccount.Result start = pgCtl("start", "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS),
        "-l", logFile.toString(), "-o", "-p " + port + " " + SERVER_SETTINGS);
    if (start.exitCode() != 0) {
      throw new IOException("PostgreSQL did not start on " + HOST + ":" + port + " with data in " + dataDir
          + " (pg_ctl exit " + start.exitCode() + ")" + ServerAccount.outputSuffix(start.output()) + logTail());
    }
  }

  private ServerAccount.Result pgCtl(String action, String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        binDir().resolve("pg_ctl").toString(), action, "-D", dataDir.toString()));
    command.addAll(Arrays.asList(options));
    return account.run(PG_CTL_TIMEOUT, dataDir.getParent(), command);
  }

  /** Over JDBC because the archive has no psql; the driver is on the classpath anyway. */
  private void createDatabaseIfMissing() throws IOException {
    Properties login = new Properties();
    login.setProperty("user", SUPERUSER);
    login.setProperty("password", password);
    login.setProperty("connectTimeout", "10");
    login.setProperty("socketTimeout", "60");
    // Loopback only, and the server has no certificate: skip the TLS attempt.
    login.setProperty("sslmode", "disable");
    try (Connection connection = new Driver().connect("jdbc:postgresql://" + HOST + ":" + port + "/postgres", login);
         PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, database);
      try (ResultSet row = exists.executeQuery()) {
        if (row.next()) {
          return;
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
      }
    } catch (SQLException e) {
      throw new IOException("Could not create database '" + database + "' in the embedded PostgreSQL on "
          + HOST + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The last lines of the server log, to put the server's own reason into a start failure. */
  private String logTail() {
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long from = Math.max(0, file.length() - LOG_TAIL_BYTES);
      byte[] bytes = new byte[(int) (file.length() - from)];
      file.seek(from);
      file.readFully(bytes);
      List<String> lines = List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return tail.isEmpty() ? "" : "\nLast lines of " + logFile + ":\n" + String.join("\n", tail);
    } catch (IOException e) {
      return "\n(could not read " + logFile + ": " + e.getMessage() + ")";
    }
  }
}
