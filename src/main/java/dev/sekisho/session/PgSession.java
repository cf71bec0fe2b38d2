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

  PgSession(VertxContextPRNG prng) {
    super(prng);
  }

  PgSession(VertxContextPRNG prng, long timeout, int length) {
    super(prng, timeout, length);
  }

  static PgSession read(VertxContextPRNG prng, Buffer buffer) {
    PgSession session = new PgSession(prng);
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
