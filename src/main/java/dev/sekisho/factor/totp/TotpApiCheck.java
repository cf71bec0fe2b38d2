package dev.sekisho.factor.totp;

import dev.sekisho.factor.batch.Batching;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.factor.code.CodeInput;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.Method;
import dev.sekisho.factor.MethodUse;
import dev.sekisho.journey.Journey;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.session.PgSessionStore;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.function.Consumer;

/**
 * The hot path of the JSON API: a TOTP check by a bearer-token session, in ONE statement when this
 * process holds the session's ticket ({@link SecondStepTickets}) and the member's opened key, in two
 * (one read of session and key together, then the statement) when it does not.
 *
 * <p>The statement does everything a passed check does, atomically: it finds the session row still
 * exactly as remembered and live (locked against a concurrent check of the same session), refuses
 * when the member's second step or the client address is locked, advances the TOTP step only
 * forward (replay refused), records the method's use, clears the member's failure count, replaces
 * the session by its COMPLETE successor under a new id (same created_at: the sign-in's absolute
 * timeout runs on; a row ended meanwhile is not there to replace, so nothing is born), and appends
 * the audit event. The successor is the same row updated in place (new id_hash, data, expiry), not
 * a delete and an insert: member_id is unchanged, so no foreign-key lock on the member's row, and
 * the new version stays on the page already written (V14's fillfactor): fewer pages in the WAL.
 * Checks that arrive together on one event loop share one such statement and one commit
 * ({@link TotpApiBatch}, group commit), each row deciding exactly as the single statement.
 *
 * <p>Only a pass is answered here. Anything else (no ticket and no live row, another method, a code
 * that matches no step, a replay, a lock, a stale key or row) goes on to the ordinary handler
 * (OtpApiRoutes), unchanged: the statement changed nothing, so that handler gives the
 * refusal, counts the failure and audits exactly as before. Mounted before the session handler, so
 * a passed check costs no session read or write of its own.
 */
public final class TotpApiCheck implements Handler<RoutingContext> {
  /** Routing-context key of the bearer token of an API call (the session id), set by OtpApiRoutes.bearer. */
  public static final String BEARER_TOKEN = "sekisho.bearerToken";

  /** Round trips of a check, as counted by the metrics: "warm" 1, "cold" 2, "ordinary" the older path. */
  public enum Path { WARM, COLD, ORDINARY }

  private static final String READ = "select s.data, s.member_id, " + TotpService.KEY_COLUMNS
      + " from http_session s join otp_totp t on t.member_id = s.member_id where s.id_hash = $1 and " + PgSessionStore.live("s", 2);

  /** The one statement; see the class comment. Parameters are listed in {@link #parameters}. */
  public static final String CHECK = """
      with s as (select x.created_at from http_session x
                 where x.id_hash = $6 and x.member_id = $1 and x.data = $7 and %s for update),
      lock as (select exists (select 1 from login_throttle where subject in ($2, $3) and %s) as locked),
      t as (select credential_id from otp_totp where member_id = $1),
      u as (update otp_totp set last_step = $5, last_used_at = now()
            where member_id = $1 and credential_id = $4 and last_step < $5
              and not (select locked from lock) and exists (select 1 from s)
            returning 1),
      %s,
      c as (delete from login_throttle where subject = $2 and exists (select 1 from u)),
      born as (update http_session set id_hash = $9::bytea, data = $10::bytea, expires_at = now() + make_interval(secs => $11),
                   last_used_at = now()
               where id_hash = $6 and exists (select 1 from u)),
      a as (insert into audit_event (%s) select $1, $12::text, $13::text, $14::text, $15::text, $16::text from u)
      select exists (select 1 from s), (select locked from lock), (select credential_id from t), exists (select 1 from u)
      """.formatted(PgSessionStore.live("x", 8), LoginThrottle.BLOCKED,
          MethodUse.ctes(Method.TOTP, "exists (select 1 from u)"), AuditLog.COLUMNS);

  static final String AUDIT_KIND = "otp.api.verify.totp";

  private final Pool pool;
  private final TotpService totp;
  private final SecondStepTickets tickets;
  private final PgSessionStore sessions;
  private final ClientAddress clientAddress;
  private final AuditLog audit;
  private final Consumer<Path> counted;
  /** This event loop's group commit of the statement (TotpApiBatch); with batching off, each check alone. */
  private final GroupCommit<Tuple, TotpApiBatch.Outcome> checks;

  public TotpApiCheck(Pool pool, TotpService totp, SecondStepTickets tickets, PgSessionStore sessions,
                      ClientAddress clientAddress, AuditLog audit, Consumer<Path> counted, Batching batching) {
    this.checks = batching.of("totp-api", new TotpApiBatch(pool));
    this.pool = pool;
    this.totp = totp;
    this.tickets = tickets;
    this.sessions = sessions;
    this.clientAddress = clientAddress;
    this.audit = audit;
    this.counted = counted;
  }

  /** A session at the second step, as this check needs it. */
  private record Attempt(String token, SecondStepTickets.Ticket ticket, TotpService.Key key, Path path) {}

  @Override
  public void handle(RoutingContext ctx) {
    String token = ctx.get(BEARER_TOKEN);
    String code = token == null ? null : totpCode(ctx);
    if (code == null) {
      ctx.next();
      return;
    }
    SecondStepTickets.Ticket ticket = tickets.take(token);
    TotpService.Key key = ticket == null ? null : totp.cached(ticket.memberId());
    Future<Attempt> attempt = key != null ? Future.succeededFuture(new Attempt(token, ticket, key, Path.WARM)) : read(token);
    attempt.onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null) {
        ordinary(ctx);
      } else {
        check(ctx, found.result(), code);
      }
    });
  }

  /** The code of a TOTP check in the body, or null when this is another kind of call. */
  private static String totpCode(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
    if (body == null || !(body.getValue("code") instanceof String code) || body.containsKey("nextCode")) {
      return null;
    }
    Object method = body.getValue("method");
    return method == null || "totp".equals(method) ? code : null;
  }

  /** Session and key in one read; null when there is no live session with a TOTP key behind the token. */
  private Future<Attempt> read(String token) {
    return pool.preparedQuery(READ).execute(Tuple.of(PgSessionStore.idHash(token), sessions.absoluteSeconds())).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      long memberId = row.getLong(1);
      TotpService.Key key = totp.opened(memberId, row, 2);
      return new Attempt(token, new SecondStepTickets.Ticket(memberId, row.getBuffer(0).getBytes(), System.currentTimeMillis()), key, Path.COLD);
    });
  }

  private void check(RoutingContext ctx, Attempt attempt, String typed) {
    long memberId = attempt.ticket().memberId();
    Session current = sessions.restore(attempt.token(), attempt.ticket().rowBuffer());
    Long sessionMember = MemberSession.memberId(current);
    String digits = CodeInput.digits(typed, attempt.key().digits());
    if (sessionMember == null || sessionMember != memberId || !SignInProgress.of(current).secondStepReady()
        || MemberSession.level(current) != MemberSession.Level.PASSWORD || digits == null) {
      ordinary(ctx);
      return;
    }
    TotpService.Key key = attempt.key();
    long step = totp.matchingStep(key.secret(), key.algorithm(), key.digits(), key.period(), digits);
    if (step < 0) {
      ordinary(ctx);
      return;
    }
    String loginId = MemberSession.loginId(current);
    // From here on the session is its own successor: complete, under a new id.
    Session successor = current;
    String redirect = Journey.complete(successor, Method.TOTP);
    successor.setAccessed();
    String ip = clientAddress.of(ctx);
    AuditEvent event = AuditEvent.of(memberId, loginId, AUDIT_KIND, "ok",
        new AuditEvent.Client(ip, ctx.request().getHeader(HttpHeaders.USER_AGENT)));
    checks.submit(parameters(attempt, key, step, ip, successor, event)).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
        return;
      }
      boolean passed = done.result().passed();
      if (!passed) {
        Long credential = done.result().credentialId();
        if (credential == null || credential != key.credentialId()) {
          totp.forget(memberId);
        }
        // Nothing changed: the ordinary path refuses, counts and audits as it always has.
        ordinary(ctx);
        return;
      }
      audit.written(event);
      counted.accept(attempt.path());
      Pages.json(ctx, 200, new JsonObject().put("ok", true).put("redirect", redirect).put("token", successor.id()));
    });
  }

  private Tuple parameters(Attempt attempt, TotpService.Key key, long step, String ip, Session successor, AuditEvent event) {
    long memberId = attempt.ticket().memberId();
    Buffer successorRow = PgSessionStore.stored(successor);
    Object[] audited = AuditLog.values(event);
    return Tuple.tuple()
        .addLong(memberId)                                            // $1
        .addString(SecondStepLimit.subject(memberId))                 // $2
        .addString(LoginThrottle.ipSubject(ip))                       // $3
        .addLong(key.credentialId())                                  // $4
        .addLong(step)                                                // $5
        .addBuffer(Buffer.buffer(PgSessionStore.idHash(attempt.token())))  // $6
        .addBuffer(attempt.ticket().rowBuffer())                      // $7
        .addDouble(sessions.absoluteSeconds())                        // $8
        .addBuffer(Buffer.buffer(PgSessionStore.idHash(successor.id())))   // $9
        .addBuffer(successorRow)                                      // $10
        .addDouble(successor.timeout() / 1000.0)                      // $11
        .addString((String) audited[1])                               // $12 login_id
        .addString((String) audited[2])                               // $13 kind
        .addString((String) audited[3])                               // $14 outcome
        .addString((String) audited[4])                               // $15 ip
        .addString((String) audited[5]);                              // $16 user agent
  }

  private void ordinary(RoutingContext ctx) {
    counted.accept(Path.ORDINARY);
    ctx.next();
  }

  /**
   * Remembers a session the member will check a TOTP code on next (after the API login, at the
   * methods call) and gets the member's key ready; completes when it is. Members without a TOTP key
   * get no ticket; a failed key load only leaves the check on its two-round-trip path.
   */
  public Future<Void> expect(Session session, long memberId) {
    Buffer row = PgSessionStore.row(session);
    if (row == null || !SignInProgress.of(session).secondStepReady()) {
      return Future.succeededFuture();
    }
    String token = session.id();
    return totp.prefetch(memberId).<Void>map(hasKey -> {
      if (hasKey) {
        tickets.remember(token, memberId, row);
      }
      return null;
    }).otherwiseEmpty();
  }
}
