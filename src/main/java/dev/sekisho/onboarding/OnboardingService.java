package dev.sekisho.onboarding;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.journey.Actor;
import dev.sekisho.journey.ColumnUpdates;
import dev.sekisho.journey.Journey;
import dev.sekisho.journey.JourneyEngine;
import dev.sekisho.journey.OnboardingFlow;
import dev.sekisho.login.LoginSettings;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.mail.MailTemplates;
import dev.sekisho.mail.OutgoingMail;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The onboarding steps J1.2–J1.10. Every step is one transaction: the member's move through
 * {@link JourneyEngine#move} (only from the state the page belongs to) together with what the step
 * records, its audit event and, where it sends mail, the outbox row.
 */
public final class OnboardingService {
  /** PostgreSQL NOTIFY channel; the payload is the member id whose email was just confirmed. */
  public static final String CONFIRMED_CHANNEL = "sekisho_email_confirmed";
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

  public enum Outcome { OK, WRONG, LOCKED, STALE, COOLDOWN, FLOODED, SAME_PASSWORD }

  public enum Confirmation { CONFIRMED, USED, EXPIRED, UNKNOWN }

  private final Vertx vertx;
  private final Pool pool;
  private final MemberRepository members;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final dev.sekisho.login.SendLimit sends;
  private final LoginSettings loginSettings;
  private final OnboardingSettings settings;
  private final PasswordPolicy policy;
  private final MailTemplates mailTemplates;
  private final MailOutbox outbox;
  /** The gateway's audit log, with its metrics observer (events outside a step's transaction). */
  private final AuditLog audit;
  private final String publicOrigin;
  private final String fromName;

  public OnboardingService(Vertx vertx, Pool pool, MemberRepository members, PasswordHasher hasher, LoginThrottle throttle,
                           LoginSettings loginSettings, OnboardingSettings settings, PasswordPolicy policy,
                           MailTemplates mailTemplates, MailOutbox outbox, AuditLog audit, String publicOrigin,
                           String fromName) {
    this.vertx = vertx;
    this.pool = pool;
    this.members = members;
    this.hasher = hasher;
    this.throttle = throttle;
    this.sends = loginSettings.sendLimit(throttle);
    this.loginSettings = loginSettings;
    this.settings = settings;
    this.policy = policy;
    this.mailTemplates = mailTemplates;
    this.outbox = outbox;
    this.audit = audit;
    this.publicOrigin = publicOrigin;
    this.fromName = fromName;
  }

  public OnboardingSettings settings() {
    return settings;
  }

  /** The member's progress, or null when there is no such member. */
  public Future<Progress> progress(long memberId) {
    return members.findById(memberId).compose(member -> member == null ? Future.succeededFuture(null) : progress(member));
  }

  /** The progress of a member just loaded (the login has it already: one round trip less). */
  private Future<Progress> progress(Member member) {
    long memberId = member.id();
    return pool.preparedQuery("""
        select m.terms_version, m.setup_deadline, c.email, last.created_at
        from member m
        left join lateral (select email from email_confirmation where member_id = m.id and used_at is null
                           and revoked_at is null and expires_at > now() order by created_at desc limit 1) c on true
        left join lateral (select created_at from email_confirmation where member_id = m.id
                           order by created_at desc limit 1) last on true
        where m.id = $1
        """).execute(Tuple.of(memberId)).map(rows -> {
          Row row = rows.iterator().next();
          MemberState state = member.onboardingState();
          String version = row.getString(0);
          boolean outdated = settings.reacceptTerms() && state.ordinal() > MemberState.BIRTHDATE_VERIFIED.ordinal()
              && !settings.termsVersion().equals(version);
          return new Progress(member, state, version, outdated, row.getString(2), row.getOffsetDateTime(3),
              row.getOffsetDateTime(1));
        });
  }

  /**
   * Where a member goes right after ID + password, or null when login must be refused because the
   * set-up deadline of the chosen method has passed.
   */
  public Future<String> afterPassword(Member member) {
    return progress(member).map(p -> {
      if (p.state() == MemberState.ONBOARDED && p.setupDeadline() != null && p.setupDeadline().isBefore(OffsetDateTime.now())) {
        return null;
      }
      return p.termsOutdated() ? OnboardingFlow.Page.TERMS.path() : Journey.afterPassword(member);
    });
  }

  /**
   * A member's own password (set at J1.8 or since) shorter than today's minimum: asked to change it
   * before the portal, through the insurer-set password's gate, instead of being locked out. An
   * issued password still in use is replaced at J1.8 anyway.
   */
  public Future<Member> flagShortPassword(Member member, int passwordLength) {
    boolean ownPassword = member.onboardingState().ordinal() >= MemberState.PASSWORD_SET.ordinal();
    if (!ownPassword || member.passwordMustChange() || passwordLength >= settings.passwordMinLength()) {
      return Future.succeededFuture(member);
    }
    return members.requirePasswordChange(member.id()).map(v -> new Member(member.id(), member.loginId(),
        member.cardSymbol(), member.cardNumber(), member.birthdate(), member.name(), member.email(),
        member.passwordHash(), true, member.onboardingState(), member.chosenMethod(), member.lastLoginAt(),
        member.deactivatedAt()));
  }

  /**
   * J1.2. A wrong birthdate counts toward the same per-ID lockout (with its back-off) as a wrong
   * password, and toward the client address's limit.
   */
  public Future<Outcome> verifyBirthdate(Progress p, LocalDate typed, AuditEvent.Client client) {
    String subject = LoginThrottle.idSubject(p.member().loginId());
    return throttle.anyLocked(List.of(subject, LoginThrottle.ipSubject(client.ip()))).compose(locked -> {
      if (locked) {
        return Future.succeededFuture(Outcome.LOCKED);
      }
      if (typed == null || !typed.equals(p.member().birthdate())) {
        Future<Boolean> byId = throttle.recordFailure(subject, loginSettings.maxFailures(), loginSettings.lock(), loginSettings.lock());
        Future<Boolean> byIp = throttle.recordAddressFailure(client.ip());
        return Future.all(byId, byIp).map(all -> byId.result() || byIp.result())
            .compose(nowLocked -> {
              Outcome outcome = nowLocked ? Outcome.LOCKED : Outcome.WRONG;
              return audit(p, "onboarding.birthdate", outcome.name().toLowerCase(), client).map(outcome);
            });
      }
      return pool.withTransaction(tx -> JourneyEngine.move(tx, p.memberId(),
              MemberState.ISSUED, MemberState.BIRTHDATE_VERIFIED, Actor.MEMBER,
            ColumnUpdates.set("birthdate_verified_at = now()"))
          // The right birthdate proves the ID as a passing password does: the wrong ones' count goes
          // (else it lingers on the member's account view and shortens a later lockout).
          .compose(moved -> moved ? tx.preparedQuery("delete from login_throttle where subject = $1").execute(Tuple.of(subject))
              .compose(cleared -> recordIn(tx, p, "onboarding.birthdate", "ok", client)).map(Outcome.OK)
              : Future.succeededFuture(Outcome.STALE)));
    });
  }

  /** J1.3: records the version and time; also the re-acceptance of a new version after onboarding. */
  public Future<Outcome> acceptTerms(Progress p, AuditEvent.Client client) {
    String version = settings.termsVersion();
    return pool.withTransaction(tx -> {
      Future<Boolean> change;
      if (p.state() == MemberState.BIRTHDATE_VERIFIED) {
        change = JourneyEngine.move(tx, p.memberId(),
                MemberState.BIRTHDATE_VERIFIED, MemberState.TERMS_ACCEPTED, Actor.MEMBER,
            ColumnUpdates.set("terms_version = $4, terms_accepted_at = now()", version));
      } else if (p.termsOutdated()) {
        change = tx.preparedQuery("update member set terms_version = $2, terms_accepted_at = now(), updated_at = now() "
                + "where id = $1 and terms_version is distinct from $2 and onboarding_state not in ('issued', 'birthdate_verified')")
            .execute(Tuple.of(p.memberId(), version)).map(rows -> rows.rowCount() == 1);
      } else {
        change = Future.succeededFuture(false);
      }
      return change.compose(ok -> ok
          ? recordIn(tx, p, "onboarding.terms", "ok", client, new io.vertx.core.json.JsonObject().put("version", version)).map(Outcome.OK)
          : Future.succeededFuture(Outcome.STALE));
    });
  }

  /**
   * J1.4–J1.5: a single-use link for this address, mailed through the outbox in the same
   * transaction; an older unused link stops working. Refused within the resend cooldown.
   */
  public Future<Outcome> sendConfirmation(Progress p, String email, String lang, AuditEvent.Client client) {
    byte[] raw = new byte[32];
    VertxContextPRNG.current(vertx).nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    OffsetDateTime expires = OffsetDateTime.now().plus(settings.confirmationValidity());
    List<Long> queued = new ArrayList<>();
    return pool.withTransaction(tx -> tx.preparedQuery("""
            select m.onboarding_state, (select max(created_at) from email_confirmation c where c.member_id = m.id)
              > now() - make_interval(secs => $2) as too_soon
            from member m where m.id = $1 for update
            """).execute(Tuple.of(p.memberId(), (double) settings.resendCooldown().toSeconds()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          if (MemberState.of(row.getString(0)) != MemberState.TERMS_ACCEPTED) {
            return Future.succeededFuture(Outcome.STALE);
          }
          if (Boolean.TRUE.equals(row.getBoolean(1))) {
            return Future.succeededFuture(Outcome.COOLDOWN);
          }
          // Resends and address changes, per member and per client address, per hour.
          return sends.take(p.memberId(), client.ip()).compose(allowed -> allowed
              ? queueConfirmation(tx, p, email, lang, token, expires, client, queued)
              : Future.succeededFuture(Outcome.FLOODED));
        }))
        .onSuccess(outcome -> queued.forEach(outbox::deliverNow));
  }

  private Future<Outcome> queueConfirmation(io.vertx.sqlclient.SqlClient tx, Progress p, String email, String lang, String token,
                                            OffsetDateTime expires, AuditEvent.Client client, List<Long> queued) {
          MailTemplates.Text text = mailTemplates.render("email-confirm", lang, Map.of(
              "name", p.member().name(),
              "link", publicOrigin + OnboardingFlow.BASE + "/confirm?token=" + token,
              "expires", expires.atZoneSameInstant(JAPAN).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + " (JST)",
              "fromName", fromName));
          return tx.preparedQuery("update email_confirmation set revoked_at = now() where member_id = $1 and used_at is null and revoked_at is null")
              .execute(Tuple.of(p.memberId()))
              .compose(v -> tx.preparedQuery("insert into email_confirmation (member_id, token_hash, email, expires_at) values ($1, $2, $3, $4)")
                  .execute(Tuple.of(p.memberId(), io.vertx.core.buffer.Buffer.buffer(sha256(token)), email, expires)))
              .compose(v -> outbox.enqueue(tx, new OutgoingMail(p.memberId(), "email-confirm", email, text.subject(), text.body())))
              .compose(id -> {
                queued.add(id);
                return recordIn(tx, p, "onboarding.email.sent", "ok", client,
                    new io.vertx.core.json.JsonObject().put("changed", !email.equalsIgnoreCase(p.member().email())));
              })
              .map(Outcome.OK);
  }

  /**
   * What opening this link would do, changing nothing: the page behind the mailed link asks for a
   * button press first, so a mail scanner that fetches links confirms nothing.
   */
  public Future<Confirmation> peekConfirmation(String token) {
    if (token == null || token.length() < 20 || token.length() > 100) {
      return Future.succeededFuture(Confirmation.UNKNOWN);
    }
    return pool.preparedQuery("select expires_at > now(), used_at is not null, revoked_at is not null "
            + "from email_confirmation where token_hash = $1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(sha256(token))))
        .map(rows -> {
          if (rows.size() == 0) {
            return Confirmation.UNKNOWN;
          }
          Row row = rows.iterator().next();
          if (row.getBoolean(1)) {
            return Confirmation.USED;
          }
          return !row.getBoolean(0) || row.getBoolean(2) ? Confirmation.EXPIRED : Confirmation.CONFIRMED;
        });
  }

  /**
   * J1.5, the button behind the link pressed (any browser, no session needed): the address becomes the member's and
   * the state moves on; waiting pages in every gateway process hear of it through NOTIFY.
   */
  public Future<Confirmation> confirm(String token) {
    if (token == null || token.length() < 20 || token.length() > 100) {
      return Future.succeededFuture(Confirmation.UNKNOWN);
    }
    byte[] hash = sha256(token);
    return pool.withTransaction(tx -> tx.preparedQuery(
            "select id, member_id, email, expires_at > now(), used_at is not null, revoked_at is not null "
                + "from email_confirmation where token_hash = $1 for update")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Confirmation.UNKNOWN);
          }
          Row row = rows.iterator().next();
          if (row.getBoolean(4)) {
            return Future.succeededFuture(Confirmation.USED);
          }
          if (!row.getBoolean(3) || row.getBoolean(5)) {
            return Future.succeededFuture(Confirmation.EXPIRED);
          }
          long memberId = row.getLong(1);
          return JourneyEngine.move(tx, memberId, MemberState.TERMS_ACCEPTED, MemberState.EMAIL_CONFIRMED, Actor.MEMBER,
            ColumnUpdates.set("email = $4, email_confirmed_at = now()", row.getString(2)))
              .compose(moved -> {
                if (!moved) {
                  return Future.succeededFuture(Confirmation.EXPIRED);
                }
                return tx.preparedQuery("update email_confirmation set used_at = now() where id = $1").execute(Tuple.of(row.getLong(0)))
                    .compose(v -> tx.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(CONFIRMED_CHANNEL, String.valueOf(memberId))))
                    .compose(v -> AuditLog.record(tx, new AuditEvent(memberId, null, "onboarding.email.confirmed", "ok", null, null, null)))
                    .map(Confirmation.CONFIRMED);
              });
        }));
  }

  /** J1.7. */
  public Future<Outcome> chooseMethod(Progress p, Method method, AuditEvent.Client client) {
    return pool.withTransaction(tx -> JourneyEngine.move(tx, p.memberId(),
            MemberState.EMAIL_CONFIRMED, MemberState.METHOD_CHOSEN, Actor.MEMBER,
            ColumnUpdates.set("chosen_method = $4", method.code()))
        .compose(moved -> moved ? recordIn(tx, p, "onboarding.method", "ok", client,
            new io.vertx.core.json.JsonObject().put("method", method.code())).map(Outcome.OK) : Future.succeededFuture(Outcome.STALE)));
  }

  /** The policy problem of a new password (message key), or null. */
  public Future<String> passwordProblem(Progress p, String password) {
    return passwordProblem(p.member(), password);
  }

  /** J1.8: must differ from the current (issued) password; hashed on the hashing pool. */
  public Future<Outcome> setPassword(Progress p, String password, AuditEvent.Client client) {
    return hasher.verify(password, p.member().passwordHash()).compose(same -> {
      if (same) {
        return Future.succeededFuture(Outcome.SAME_PASSWORD);
      }
      return hasher.hash(password).compose(hash -> pool.withTransaction(tx -> JourneyEngine.move(tx, p.memberId(),
              MemberState.METHOD_CHOSEN, MemberState.PASSWORD_SET, Actor.MEMBER,
            ColumnUpdates.set("password_hash = $4, password_must_change = false, password_changed_at = now()", hash))
          .compose(moved -> moved ? recordIn(tx, p, "onboarding.password", "ok", client).map(Outcome.OK)
              : Future.succeededFuture(Outcome.STALE))));
    });
  }

  /**
   * The J1.8 policy problem (message key) of a password the member chose, or null: the rules, then
   * the strength estimate, on a worker (see {@link PasswordPolicy}).
   */
  public Future<String> passwordProblem(Member member, String password) {
    return policy.problemOrGuessable(password, member);
  }

  /**
   * A password the insurer set (password_must_change) replaced by the member's own, with the J1.8
   * policy (checked by the caller) and "must differ". Only while the flag and the hash are still
   * the ones read: a second tab or a new reset in between gives STALE and changes nothing.
   */
  public Future<Outcome> changeSetPassword(Member member, String password, AuditEvent.Client client) {
    return hasher.verify(password, member.passwordHash()).compose(same -> same ? Future.succeededFuture(Outcome.SAME_PASSWORD)
        : hasher.hash(password).compose(hash -> pool.withTransaction(tx -> tx.preparedQuery("update member set "
                + "password_hash = $3, password_must_change = false, password_changed_at = now(), updated_at = now() "
                + "where id = $1 and password_hash = $2 and password_must_change")
            .execute(Tuple.of(member.id(), member.passwordHash(), hash))
            .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(Outcome.STALE)
                : AuditLog.record(tx, AuditEvent.of(member.id(), member.loginId(), "password.change", "ok", client))
                    .map(Outcome.OK)))));
  }

  /** J1.9 → J1.10: onboarding is complete; the set-up deadline of the chosen method starts now. */
  public Future<Outcome> finish(Progress p, AuditEvent.Client client) {
    return pool.withTransaction(tx -> JourneyEngine.move(tx, p.memberId(),
            MemberState.PASSWORD_SET, MemberState.ONBOARDED, Actor.MEMBER,
            ColumnUpdates.set("onboarded_at = now(), setup_deadline = now() + make_interval(days => $4)", settings.setupDays()))
        .compose(moved -> moved ? recordIn(tx, p, "onboarding.complete", "ok", client).map(Outcome.OK)
            : Future.succeededFuture(Outcome.STALE)));
  }

  private Future<Void> audit(Progress p, String kind, String outcome, AuditEvent.Client client) {
    return audit.record(AuditEvent.of(p.memberId(), p.member().loginId(), kind, outcome, client));
  }

  private static Future<Void> recordIn(SqlClient tx, Progress p, String kind, String outcome, AuditEvent.Client client) {
    return recordIn(tx, p, kind, outcome, client, null);
  }

  private static Future<Void> recordIn(SqlClient tx, Progress p, String kind, String outcome, AuditEvent.Client client,
                                       io.vertx.core.json.JsonObject detail) {
    return AuditLog.record(tx, AuditEvent.of(p.memberId(), p.member().loginId(), kind, outcome, client).with(detail));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
