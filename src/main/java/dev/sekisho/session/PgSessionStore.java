package dev.sekisho.session;

import dev.sekisho.factor.batch.Batching;
import dev.sekisho.factor.batch.GroupCommit;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * vertx-web sessions kept in PostgreSQL, so they survive a restart and every gateway process sees
 * the same ones. Only the SHA-256 of a session id is stored: a copy of the table lets nobody in.
 * The idle timeout is the session's own; the absolute one counts from the sign-in: the row's
 * created_at, set when a login writes its new session and carried over when a later step of the
 * same sign-in regenerates the id.
 *
 * <p>A write-back never brings an ended session back: it only updates the row that still exists
 * and still belongs to the same sign-in (same id and created_at), and a regenerated session only
 * replaces such a row. A request that was in flight when the member logged out, or when the
 * insurer ended the member's sessions, writes nothing. Only a new sign-in (the password step, see
 * {@link #beginSignIn}) or a session never stored inserts a row.
 */
public final class PgSessionStore implements SessionStore {
  /** Member id column, so "end all of a member's sessions" is one statement. */
  public static final String MEMBER_KEY = "memberId";

  /** Beyond this many, pending folded deletes are dropped (a regenerated session never written): deletes then run on their own. */
  private static final int MAX_FOLDED = 10_000;
  private final Pool pool;
  private final Duration absolute;
  private VertxContextPRNG prng;
  /**
   * Old ids of sessions regenerated in a request that will be written next. vertx-web's flush
   * deletes the old id and then writes the new one, two round trips in sequence on every login and
   * every passed check; the write deletes the old id in the same statement instead.
   */
  private final java.util.Set<String> foldedDeletes = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /**
   * Group commit of the renewals that end a second step ({@link SessionRenewalBatch}), used only on
   * {@link #owner}, the event loop of the verticle that made this store: a GroupCommit is that
   * loop's alone. Writes from any other thread go alone.
   */
  private final GroupCommit<Tuple, OffsetDateTime> renewals;
  /** The event loop of the verticle that made this store (its requests run on duplicates of its context); null outside one. */
  private final EventLoop owner;

  /** Every write alone (tools and tests that have no verticle). */
  public PgSessionStore(Vertx vertx, Pool pool, Duration absolute) {
    this(vertx, pool, absolute, Batching.OFF);
  }

  /** Made in a verticle's start: its event loop's renewals share statements and commits when {@code batching} is on. */
  public PgSessionStore(Vertx vertx, Pool pool, Duration absolute, Batching batching) {
    this.pool = pool;
    this.absolute = absolute;
    this.prng = VertxContextPRNG.current(vertx);
    this.renewals = batching.of("session-renewal", new SessionRenewalBatch(pool, REPLACE));
    this.owner = Vertx.currentContext() instanceof ContextInternal context && context.isEventLoopContext()
        ? context.nettyEventLoop() : null;
  }

  @Override
  public SessionStore init(Vertx vertx, JsonObject options) {
    this.prng = VertxContextPRNG.current(vertx);
    return this;
  }

  @Override
  public long retryTimeout() {
    // One database for all processes: a session that is not there will not appear later.
    return 0;
  }

  @Override
  public Session createSession(long timeout) {
    return createSession(timeout, DEFAULT_SESSIONID_LENGTH);
  }

  @Override
  public Session createSession(long timeout, int length) {
    return new PgSession(prng, timeout, length, this::deferDelete);
  }

  /**
   * The condition a stored row must meet to be a live session: idle timeout not passed, absolute
   * timeout (seconds given as parameter $absoluteParam) not passed. Every reader uses this one.
   */
  public static String live(String alias, int absoluteParam) {
    return alias + ".expires_at > now() and " + alias + ".created_at > now() - make_interval(secs => $" + absoluteParam + ")";
  }

  /** The absolute timeout in seconds, the parameter of {@link #live}. */
  public double absoluteSeconds() {
    return absolute.toSeconds();
  }

  @Override
  public Future<Session> get(String id) {
    return pool.preparedQuery("select data, created_at from http_session s where id_hash = $1 and " + live("s", 2))
        .execute(Tuple.of(hash(id), absoluteSeconds()))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          var row = rows.iterator().next();
          return PgSession.read(prng, id, row.getBuffer(0), row.getOffsetDateTime(1), this::deferDelete);
        });
  }

  /**
   * The gateway's read (see GatewaySessionStore): the session as {@link #get} finds it (same
   * conditions) and, in the same statement, the columns of its member the gateway needs. One round
   * trip instead of two in sequence on every proxied and forward-auth request; a session or member
   * deleted before the statement runs is not seen, exactly as with two reads.
   */
  Future<Session> getWithMember(String id) {
    return pool.preparedQuery("select s.data, m.id, m.login_id, m.name, m.email, m.onboarding_state, m.chosen_method, "
            + "s.created_at, m.password_must_change from http_session s "
            // A deactivated member reads as gone: denied even if a session slipped past the deactivation.
            + "left join member m on m.id = s.member_id and m.deactivated_at is null "
            + "where s.id_hash = $1 and " + live("s", 2))
        .execute(Tuple.of(hash(id), absoluteSeconds()))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          var row = rows.iterator().next();
          PgSession session = PgSession.read(prng, id, row.getBuffer(0), row.getOffsetDateTime(7), this::deferDelete);
          Long memberId = row.getLong(1);
          session.memberRead(memberId == null ? null : new SessionMember(memberId, row.getString(2), row.getString(3),
              row.getString(4), row.getString(5), row.getString(6), row.getBoolean(8)));
          return session;
        });
  }

  private void deferDelete(String oldId) {
    if (foldedDeletes.size() >= MAX_FOLDED) {
      foldedDeletes.clear();
    }
    foldedDeletes.add(oldId);
  }

  @Override
  public Future<Void> delete(String id) {
    if (foldedDeletes.contains(id)) {
      // The regenerated session's write deletes it (put below).
      return Future.succeededFuture();
    }
    return pool.preparedQuery("delete from http_session where id_hash = $1").execute(Tuple.of(hash(id))).mapEmpty();
  }

  @Override
  public Future<Void> put(Session session) {
    // Skip the write when nothing changed and the idle clock was refreshed recently: most requests
    // through the gateway only read their session.
    if (session instanceof PgSession pg && pg.unchangedSinceLoad(session.timeout() / 10)) {
      return Future.succeededFuture();
    }
    Buffer data = session instanceof PgSession pg ? pg.write() : null;
    if (data == null) {
      return Future.failedFuture(new IllegalArgumentException("foreign session type " + session.getClass()));
    }
    PgSession pg = (PgSession) session;
    Object memberId = session.get(MEMBER_KEY);
    Long member = memberId instanceof Number n ? n.longValue() : null;
    String oldId = session.oldId();
    boolean folded = oldId != null && foldedDeletes.remove(oldId);
    Tuple values = Tuple.of(hash(session.id()), member, data, session.timeout() / 1000.0);
    Future<OffsetDateTime> written;
    if (pg.signedInAt() != null && session.id().equals(pg.persistedId())) {
      // Same row: update it only while it is still this sign-in's.
      written = createdAt(pool.preparedQuery(UPDATE).execute(values.addValue(pg.signedInAt())));
    } else if (pg.signedInAt() != null && !pg.signInBegun()) {
      // A later step of the same sign-in under a new id: replaces the old row only if it is still there.
      if (!pg.persistedId().equals(oldId)) {
        foldedDeletes.remove(pg.persistedId());
      }
      written = renew(Tuple.of(Buffer.buffer(hash(session.id())), member, data, session.timeout() / 1000.0,
          pg.signedInAt(), Buffer.buffer(hash(pg.persistedId()))));
    } else {
      // A new sign-in, or a session never stored: a new row, counted from now.
      SignInClient client = pg.signInClient();
      values.addValue(folded ? hash(oldId) : null).addValue(client == null ? null : client.userAgent())
          .addValue(client == null ? null : client.address());
      written = createdAt(pool.preparedQuery(INSERT).execute(values));
    }
    return written.map(createdAt -> {
      if (createdAt != null) {
        pg.stored(data, createdAt);
      }
      // No row: the session ended while this request ran; it stays ended.
      return null;
    });
  }

  /** REPLACE ($1-$6), shared with the renewals arriving together on this store's event loop. */
  private Future<OffsetDateTime> renew(Tuple replace) {
    if (replace.getValue(1) != null && owner != null && owner.inEventLoop()) {
      return renewals.submit(replace);
    }
    return createdAt(pool.preparedQuery(REPLACE).execute(replace));
  }

  /** The created_at a write returned; null when it wrote no row. */
  private static Future<OffsetDateTime> createdAt(Future<RowSet<Row>> write) {
    return write.map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0));
  }

  /** The write-back of a stored session: $5 is the created_at it was read with. */
  private static final String UPDATE = """
      update http_session set member_id = $2, data = $3, expires_at = now() + make_interval(secs => $4), last_used_at = now()
      where id_hash = $1 and created_at = $5
      returning created_at
      """;

  /**
   * The same sign-in under a new id: the old row ($6, created_at $5) takes the new id and keeps its
   * created_at; no row when it ended meanwhile. An update in place rather than a delete and an
   * insert: no foreign-key lock on the member's row when the member is unchanged, and the new
   * version can stay on its page (V14): fewer pages written.
   */
  static final String REPLACE = """
      update http_session set id_hash = $1, member_id = $2, data = $3, expires_at = now() + make_interval(secs => $4),
          last_used_at = now()
      where id_hash = $6 and created_at = $5
      returning created_at
      """;

  /**
   * A new sign-in or a new session, with the browser ($6) and address ($7) of a sign-in; the
   * regenerated-away row $5 (when folded) goes in the same statement.
   */
  private static final String INSERT = """
      with gone as (delete from http_session where $5::bytea is not null and id_hash = $5)
      insert into http_session (id_hash, member_id, data, expires_at, user_agent, client_address)
      values ($1, $2, $3, now() + make_interval(secs => $4), $6, $7)
      on conflict (id_hash) do nothing
      returning created_at
      """;

  /**
   * Marks the start of a new sign-in on a session whose id was just regenerated (the password
   * step): its next write is a new row whose created_at starts the absolute timeout, and which
   * records the browser and address the member signed in from (their list of sessions shows them).
   */
  public static void beginSignIn(Session session, SignInClient client) {
    if (session instanceof PgSession pg) {
      pg.beginSignIn(client);
    }
  }

  @Override
  public Future<Void> clear() {
    return pool.query("delete from http_session").execute().mapEmpty();
  }

  @Override
  public Future<Integer> size() {
    return pool.query("select count(*) from http_session where expires_at > now()").execute()
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  @Override
  public void close() {
    // The pool belongs to the verticle that made it.
  }

  /**
   * A session rebuilt from its stored row by code that bypasses the session handler (the OTP API's
   * one-statement check writes the successor itself), so its regenerated id is not folded into a
   * later {@link #put}.
   */
  public Session restore(String id, Buffer data) {
    return PgSession.read(prng, id, data, null, oldId -> { });
  }

  /** The stored form of a session (vertx-web's format without the id), as {@link #put} writes it. */
  public static Buffer stored(Session session) {
    if (session instanceof PgSession pg) {
      return pg.write();
    }
    throw new IllegalArgumentException("foreign session type " + session.getClass());
  }

  /**
   * The exact stored bytes of a session handled by this store, as last read or written by this
   * process (null when unknown): a statement can then change the row only if nobody changed it since.
   */
  public static Buffer row(Session session) {
    return session instanceof PgSession pg ? pg.row() : null;
  }

  /** The key a session id is stored under. */
  public static byte[] idHash(String id) {
    return hash(id);
  }

  /** One digest per thread: looking a MessageDigest up costs more than hashing a session id. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  });

  static byte[] hash(String id) {
    return SHA256.get().digest(id.getBytes(StandardCharsets.UTF_8));
  }
}
