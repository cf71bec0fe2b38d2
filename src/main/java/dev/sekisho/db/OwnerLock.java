package dev.sekisho.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Which process owns an embedded database: the one holding an OS lock on {@code DATADIR.lock}. The
 * operating system drops the lock when its process dies, however it dies, so a server left running
 * by a dead owner is told apart from one a live gateway is using (the import command once stopped
 * a running gateway's database, taking it for a leftover).
 */
final class OwnerLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private OwnerLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or fails with a message naming the live owner's process id when another process holds it. */
  static OwnerLock acquire(Path dataDir) throws IOException {
    Path file = dataDir.resolveSibling(dataDir.getFileName() + ".lock");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
      channel.close();
      throw new DatabaseInUse("The embedded database in " + dataDir + " is in use by a running Sekisho process"
          + (owner.isEmpty() ? "" : " (pid " + owner + ")")
          + ": stop that gateway first, or import through its admin API (POST /sekisho/admin/api/members/import)");
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
    return new OwnerLock(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The process is ending or the server stopped: the lock goes with the channel either way.
    }
  }

  /** Another live process owns the database: nothing was started or stopped. */
  public static final class DatabaseInUse extends IOException {
    DatabaseInUse(String message) {
      super(message);
    }
  }
}
