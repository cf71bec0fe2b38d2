package dev.sekisho.db;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The operating-system account the PostgreSQL programs run under. PostgreSQL refuses to run as root, so when the JVM
 * is root they run as {@code nobody}; otherwise they run as the current user.
 */
final class ServerAccount {

  private static final String UNPRIVILEGED = "nobody";

  /** Null when the programs run as the current user. */
  private final UserPrincipal nobody;
  /** Put before every command: switches to {@code nobody}, or empty. */
  private final List<String> prefix;

  private ServerAccount(UserPrincipal nobody, List<String> prefix) {
    this.nobody = nobody;
    this.prefix = prefix;
  }

  /** What a finished program said: its exit code and its merged stdout and stderr. */
  record Result(int exitCode, String output) {
  }

  static ServerAccount detect() throws IOException {
    if (!isRoot()) {
      return new ServerAccount(null, List.of());
    }
    UserPrincipalLookupService lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
    UserPrincipal nobody;
    try {
      nobody = lookup.lookupPrincipalByName(UNPRIVILEGED);
    } catch (UserPrincipalNotFoundException e) {
      throw new IOException("Sekisho runs as root and PostgreSQL refuses root, but there is no user '"
          + UNPRIVILEGED + "' to run it as: run Sekisho as an ordinary user", e);
    }
    return new ServerAccount(nobody, switchUserPrefix(lookup));
  }

  /** setpriv where Debian's {@code nogroup} exists (no PAM, no session); runuser picks nobody's own group elsewhere. */
  private static List<String> switchUserPrefix(UserPrincipalLookupService lookup) throws IOException {
    Optional<String> setpriv = executable("setpriv");
    if (setpriv.isPresent() && groupExists(lookup, "nogroup")) {
      return List.of(setpriv.get(), "--reuid=" + UNPRIVILEGED, "--regid=nogroup", "--clear-groups", "--");
    }
    Optional<String> runuser = executable("runuser");
    if (runuser.isPresent()) {
      return List.of(runuser.get(), "-u", UNPRIVILEGED, "--");
    }
    throw new IOException("Sekisho runs as root, so PostgreSQL must run as '" + UNPRIVILEGED
        + "', but neither setpriv nor runuser (util-linux) is installed: install util-linux or run Sekisho as an"
        + " ordinary user");
  }

  static boolean isRoot() throws IOException {
    // /proc/self belongs to the process's effective uid: no JNI and no `id` process needed.
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  /** Makes {@code path} the server account's own, when that is not the current user. */
  void handOver(Path path) throws IOException {
    if (nobody != null) {
      Files.setOwner(path, nobody);
    }
  }

  /**
   * Fails with one clear message when {@code nobody} cannot traverse some directory above {@code path}, which would
   * otherwise surface as an obscure "permission denied" from initdb or the server. Names every closed directory, so
   * one fix is enough, and suggests moving out of the topmost.
   */
  void requireReachable(Path path, String alternative, String setting) throws IOException {
    if (nobody == null) {
      return;
    }
    List<Path> closed = new ArrayList<>();
    for (Path dir = path.toRealPath().getParent(); dir != null; dir = dir.getParent()) {
      if (!traversable(dir)) {
        closed.add(0, dir);
      }
    }
    if (!closed.isEmpty()) {
      throw new IOException("PostgreSQL runs as '" + UNPRIVILEGED + "' because Sekisho runs as root, but "
          + joined(closed, " and ") + (closed.size() == 1 ? " is" : " are") + " closed to it: choose " + alternative
          + " outside " + closed.get(0) + " (" + setting + ") or run `chmod o+x " + joined(closed, " ") + "`");
    }
  }

  private static String joined(List<Path> paths, String separator) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(separator));
  }

  private boolean traversable(Path dir) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
    PosixFilePermission needed = attributes.owner().equals(nobody)
        ? PosixFilePermission.OWNER_EXECUTE
        : PosixFilePermission.OTHERS_EXECUTE;
    return attributes.permissions().contains(needed);
  }

  /**
   * Runs a program as the server account from {@code workDir} and waits at most {@code timeout}. Output goes to a
   * temporary file rather than a pipe: nothing to drain, and a daemon it leaves behind cannot hold a pipe open.
   */
  Result run(Duration timeout, Path workDir, List<String> command) throws IOException {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    String program = Path.of(command.get(0)).getFileName().toString();
    Path output = Files.createTempFile("sekisho-pg-" + program + "-", ".out");
    try {
      Process process = new ProcessBuilder(full)
          .directory(workDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      if (!waitFor(process, timeout, program)) {
        process.destroyForcibly();
        throw new IOException(program + " did not finish within " + timeout.toSeconds() + " s"
            + outputSuffix(Files.readString(output)));
      }
      return new Result(process.exitValue(), Files.readString(output).strip());
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static boolean waitFor(Process process, Duration timeout, String program) throws IOException {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while waiting for " + program, e);
    }
  }

  static String outputSuffix(String output) {
    return output.isBlank() ? "" : ":\n" + output.strip();
  }

  private static boolean groupExists(UserPrincipalLookupService lookup, String group) throws IOException {
    try {
      lookup.lookupPrincipalByGroupName(group);
      return true;
    } catch (UserPrincipalNotFoundException e) {
      return false;
    }
  }

  /** Looks on PATH and in the sbin directories, which a service's PATH often lacks. */
  private static Optional<String> executable(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin:/bin";
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .findFirst();
  }
}
