package dev.sekisho.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.SessionStore;

/**
 * The session store of the requests bound for the portal (the reverse proxy and forward-auth): a
 * {@link PgSessionStore} whose read also fetches the session's member in the same statement, so a
 * proxied request costs one database round trip, not two. Everything else (create, write, delete)
 * is the PgSessionStore's own, so both stores see and write the same sessions.
 *
 * <p>Nothing is cached: each request reads its session and member afresh, so a logout, an ended
 * session or a removed member anywhere takes effect on the next request in every process.
 */
public final class GatewaySessionStore implements SessionStore {
  private final PgSessionStore store;

  public GatewaySessionStore(PgSessionStore store) {
    this.store = store;
  }

  /** Whether the member was read together with this session (then {@link #member} is that row, or null when gone). */
  public static boolean memberRead(Session session) {
    return session instanceof PgSession pg && pg.memberRead();
  }

  /** The member read with the session, or null when the member no longer exists or was not read with it. */
  public static SessionMember member(Session session) {
    return session instanceof PgSession pg ? pg.member() : null;
  }

  @Override
  public Future<Session> get(String id) {
    return store.getWithMember(id);
  }

  @Override
  public SessionStore init(Vertx vertx, JsonObject options) {
    store.init(vertx, options);
    return this;
  }

  @Override
  public long retryTimeout() {
    return store.retryTimeout();
  }

  @Override
  public Session createSession(long timeout) {
    return store.createSession(timeout);
  }

  @Override
  public Session createSession(long timeout, int length) {
    return store.createSession(timeout, length);
  }

  @Override
  public Future<Void> delete(String id) {
    return store.delete(id);
  }

  @Override
  public Future<Void> put(Session session) {
    return store.put(session);
  }

  @Override
  public Future<Void> clear() {
    return store.clear();
  }

  @Override
  public Future<Integer> size() {
    return store.size();
  }

  @Override
  public void close() {
    store.close();
  }
}
