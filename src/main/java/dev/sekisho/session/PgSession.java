package dev.sekisho.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.impl.SharedDataSessionImpl;

import java.time.OffsetDateTime;
import java.util.function.Consumer;

/**
 * A session as vertx-web sees it, serialised with vertx-web's own format less the id. It remembers
 * the checksum of its data as loaded, so the store can skip writing a session nothing changed, and
 * tells the store when its id is regenerated, so the write of the new id also deletes the old one.
 */
final class PgSession extends SharedDataSessionImpl {
  private final Consumer<String> onRegenerate;
  private int loadedChecksum;
  private long loadedLastAccessed;
  /** The exact bytes of this session's row as last read or written by this process, or null. */
  private Buffer row;
  /** The id the row was last written under by this process (a regenerated id counts as new until written). */
  private String persistedId;
  /** Set by GatewaySessionStore: the member row read with this session (null = gone); in memory only. */
  private boolean memberRead;
  private SessionMember member;
  /**
   * The created_at of the row this session was read from or written to (null for a session never
   * stored): the sign-in the row belongs to. A write-back only updates the row that still has it.
   */
  private OffsetDateTime signedInAt;
  /** Set when a new sign-in starts in this request (MemberSession.signIn): the write is a new row. */
  private boolean signInBegun;
  /** The browser and address of the sign-in begun in this request, for the new row's columns; in memory only. */
  private SignInClient signInClient;

  PgSession(VertxContextPRNG prng, Consumer<String> onRegenerate) {
    super(prng);
    this.onRegenerate = onRegenerate;
  }

  PgSession(VertxContextPRNG prng, long timeout, int length, Consumer<String> onRegenerate) {
    super(prng, timeout, length);
    this.onRegenerate = onRegenerate;
  }

  /** Tells the store which old id the coming write replaces, so it deletes it in the same statement. */
  @Override
  public Session regenerateId() {
    Session session = super.regenerateId();
    if (oldId() != null) {
      onRegenerate.accept(oldId());
    }
    return session;
  }

  /** @param id the id the row was looked up by (the stored data does not hold it) */
  static PgSession read(VertxContextPRNG prng, String id, Buffer buffer, OffsetDateTime createdAt,
                        Consumer<String> onRegenerate) {
    PgSession session = new PgSession(prng, onRegenerate);
    session.readFromBuffer(0, buffer);
    session.setId(id);
    session.persistedId = id;
    session.signedInAt = createdAt;
    session.loadedChecksum = session.checksum();
    session.loadedLastAccessed = session.lastAccessed();
    session.row = buffer;
    return session;
  }

  /**
   * vertx-web's format without the session id: the format starts with the id (length + bytes),
   * which would put every session id in clear into the database next to its SHA-256 key and
   * make the hashing pointless (found by SecretsInLogsTest). The id is written as empty; it is
   * known again when the row is read, since rows are only found by the hash of the id.
   */
  Buffer write() {
    Buffer full = Buffer.buffer();
    writeToBuffer(full);
    int idLength = full.getInt(0);
    return Buffer.buffer(full.length() - idLength).appendInt(0).appendBuffer(full, 4 + idLength, full.length() - 4 - idLength);
  }

  /** The stored row as this process last read or wrote it (null before the first write). */
  Buffer row() {
    return row;
  }

  /** After a write: the written state is the new baseline, so a second flush in the same request writes nothing. */
  void stored(Buffer written, OffsetDateTime createdAt) {
    this.row = written;
    this.signedInAt = createdAt;
    this.signInBegun = false;
    this.loadedChecksum = checksum();
    this.loadedLastAccessed = lastAccessed();
    this.persistedId = id();
  }

  /** The id of the row this session was read from or last written to, or null. */
  String persistedId() {
    return persistedId;
  }

  OffsetDateTime signedInAt() {
    return signedInAt;
  }

  void beginSignIn(SignInClient client) {
    this.signInBegun = true;
    this.signInClient = client;
  }

  /** The browser and address of the sign-in begun in this request, or null. */
  SignInClient signInClient() {
    return signInBegun ? signInClient : null;
  }

  boolean signInBegun() {
    return signInBegun;
  }

  void memberRead(SessionMember member) {
    this.memberRead = true;
    this.member = member;
  }

  boolean memberRead() {
    return memberRead;
  }

  SessionMember member() {
    return member;
  }

  /** True when neither the data changed nor enough time passed to make refreshing the idle timer worthwhile. */
  boolean unchangedSinceLoad(long refreshAfterMillis) {
    return loadedLastAccessed != 0 && (!isRegenerated() || id().equals(persistedId)) && checksum() == loadedChecksum
        && lastAccessed() - loadedLastAccessed < refreshAfterMillis;
  }
}
