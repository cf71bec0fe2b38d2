package dev.sekisho.db;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The embedded database's paths that a start is about to create: a refused start removes exactly
 * those again (never what was there before), so a wrong db.embedded.dataDir leaves nothing behind.
 * It also turns a file-system failure into a sentence saying why ("/proc/x" alone said nothing).
 */
final class DataDirectory {
  static final String KEY = "db.embedded.dataDir (SEKISHO_DB_EMBEDDED_DATA_DIR)";

  private final List<Path> fresh = new ArrayList<>();

  /** Notes which of these paths (and which missing ancestors of the first) do not exist yet. */
  DataDirectory(Path data, List<Path> siblings) {
    Path top = null;
    for (Path p = data; p != null && !Files.exists(p); p = p.getParent()) {
      top = p;
    }
    if (top != null && !top.equals(data)) {
      fresh.add(top);
    }
    fresh.add(data);
    for (Path sibling : siblings) {
      if (!Files.exists(sibling)) {
        fresh.add(sibling);
      }
    }
  }

  /** Removes what this start created; a failure to remove is left, the start's own error matters more. */
  void removeCreated() {
    for (Path path : fresh) {
      if (!Files.exists(path)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      } catch (IOException | RuntimeException e) {
        // Best effort: the start failed already and says why.
      }
    }
  }

  /** One line naming the directory, the key and the reason the file system gave. */
  static IOException unusable(Path data, IOException e) {
    if (e instanceof OwnerLock.DatabaseInUse || e.getMessage() != null && e.getMessage().contains(KEY)) {
      return e;
    }
    String why;
    if (e instanceof AccessDeniedException denied) {
      why = "permission denied on " + denied.getFile();
    } else if (e instanceof NoSuchFileException missing) {
      why = missing.getFile() + " does not exist";
    } else if (e instanceof FileSystemException fs) {
      why = (fs.getReason() == null ? e.getClass().getSimpleName() : fs.getReason()) + " (" + fs.getFile() + ")";
    } else {
      why = e.getMessage();
    }
    return new IOException("The embedded database cannot use " + data + " (" + KEY + "): " + why);
  }
}
