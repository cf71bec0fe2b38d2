package dev.sekisho.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.sstore.impl.SharedDataSessionImpl;

/**
 * A session as vertx-web sees it, serialised with vertx-web's own format. It remembers the
 * checksum of its data as loaded, so the store can skip writing a session nothing changed.
 */
final class PgSession extends SharedDataSessionImpl {
  private int loadedChecksum;
  private long loadedLastAccessed;
  private final java.util.function.Consumer<String> onRegenerate;

  PgSession(VertxContextPRNG prng, java.util.function.Consumer<String> onRegenerate) {
    super(prng);
    this.onRegenerate = onRegenerate;
  }

  PgSession(VertxContextPRNG prng, long timeout, int length, java.util.function.Consumer<String> onRegenerate) {
    super(prng, timeout, length);
    this.onRegenerate = onRegenerate;
  }

  /** Tells the store which old id the coming write replaces, so it deletes it in the same statement. */
  @Override
  public io.vertx.ext.web.Session regenerateId() {
    io.vertx.ext.web.Session session = super.regenerateId();
    if (oldId() != null) {
      onRegenerate.accept(oldId());
    }
    return session;
  }

  static PgSession read(VertxContextPRNG prng, Buffer buffer, java.util.function.Consumer<String> onRegenerate) {
    PgSession session = new PgSession(prng, onRegenerate);
    session.readFromBuffer(0, buffer);
    session.loadedChecksum = session.checksum();
    session.loadedLastAccessed = session.lastAccessed();
    return session;
  }

  Buffer write() {
    Buffer buffer = Buffer.buffer();
    writeToBuffer(buffer);
    return buffer;
  }

  /** True when neither the data changed nor enough time passed to make refreshing the idle timer worthwhile. */
  boolean unchangedSinceLoad(long refreshAfterMillis) {
    return loadedLastAccessed != 0 && !isRegenerated() && checksum() == loadedChecksum
        && lastAccessed() - loadedLastAccessed < refreshAfterMillis;
  }
}
