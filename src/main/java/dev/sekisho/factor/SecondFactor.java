package dev.sekisho.factor;

import dev.sekisho.member.Method;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.member.Member;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * One second factor (J2 set-up, J3.1 check): passkey, TOTP, HOTP, email code, or a recovery code
 * standing in for them. Each lives in its own package under {@code factor} with its tables, its
 * routes and its tests; the pages and the JSON API find it through {@link SecondFactors} by its
 * code, never by a switch. Adding a factor is one package and one line where the registry is built.
 */
public interface SecondFactor {
  /** The name sessions, audit events, URLs and the API use: the {@link Method}'s code, or "recovery". */
  default String code() {
    return method().code();
  }

  /** The member's method this factor is; null for recovery codes (they stand in for one, never are one). */
  Method method();

  /** Whether the member answers with a typed code (all but a passkey, which answers with a signed assertion). */
  default boolean answersTypedCode() {
    return true;
  }

  /**
   * Sends or prepares what the member will answer (the email code); the others have nothing to
   * send and answer {@link Challenge#NONE}. {@code lang} is the asking page's language: a mailed
   * code is written in it.
   */
  default Future<Challenge> challenge(Member member, boolean resend, String clientAddress, String lang) {
    return Future.succeededFuture(Challenge.NONE);
  }

  /**
   * Checks one answer at the second step: a typed code (with the next one for an HOTP resync), or
   * a passkey's signed assertion. A code factor counts a wrong answer toward the second-step limit;
   * a passkey refused fails the future with the refusal, which says why.
   */
  Future<CheckResult> verify(Answer answer);

  /**
   * Whether a passed {@link #verify} writes the answer's {@link Answer#passed} audit event (when the
   * answer carries one) itself, in the check's own statement and commit (the email code: one commit per passed check, and never a
   * pass without its event). The caller then only tells the audit log's observers
   * ({@code AuditLog.written}); for any other result, or a factor that answers false, it records the
   * event as always.
   */
  default boolean writesPassedEvent() {
    return false;
  }

  /**
   * Makes a freshly set-up credential the member's (J2.6, J2.7): the answer proves the member holds
   * it; {@code replaced} is the factor the member switches away from, removed in the same
   * transaction. Factors the member does not set up with a code (a passkey: the WebAuthn ceremony;
   * HOTP: the insurer assigns the token; recovery codes: issued with the first method) answer
   * NOT_SET_UP.
   */
  default Future<Activation> activate(long memberId, String answer, SecondFactor replaced) {
    return Future.succeededFuture(new Activation(CheckResult.NOT_SET_UP, List.of()));
  }

  /**
   * Prepares a new set-up of this factor asked for on the account page (TOTP: a new pending key,
   * so the old QR code cannot be reused); the others need nothing before their set-up page.
   */
  default Future<Void> beginSetUp(Member member) {
    return Future.succeededFuture();
  }

  /** Whether the member can use this factor now. */
  Future<Boolean> configuredFor(long memberId);

  /** Removes the member's credential of this factor inside the caller's transaction (a switch away from it). */
  Future<Void> removeCredential(SqlClient tx, long memberId);

  /**
   * What the member answered, and who asked (for the audit log of a passkey check); {@code passed}
   * is the audit event the caller records when the check passes, for a factor that writes it with
   * the check ({@link #writesPassedEvent}); null: the caller records it afterwards, whatever the factor.
   */
  record Answer(long memberId, String loginId, String code, String nextCode, JsonObject assertion, String challenge,
                AuditEvent.Client client, AuditEvent passed) {
    /** A typed code (TOTP, email, recovery). */
    public static Answer code(long memberId, String code) {
      return new Answer(memberId, null, code, null, null, null, null, null);
    }

    /** An HOTP code, with the following one when the member resynchronises a token that ran ahead. */
    public static Answer codes(long memberId, String code, String nextCode) {
      return new Answer(memberId, null, code, nextCode, null, null, null, null);
    }

    /** A passkey's assertion for the challenge this session was given. */
    public static Answer assertion(long memberId, String loginId, String challenge, JsonObject assertion,
                                   AuditEvent.Client client) {
      return new Answer(memberId, loginId, null, null, assertion, challenge, client, null);
    }

    /** The same answer, with the audit event its pass records (see {@link SecondFactor#writesPassedEvent}). */
    public Answer passing(AuditEvent event) {
      return new Answer(memberId, loginId, code, nextCode, assertion, challenge, client, event);
    }
  }

  /** The outcome of sending a challenge. */
  enum Challenge {
    /** Nothing to send for this factor. */
    NONE,
    /** A new code went out. */
    SENT,
    /** A code sent a moment ago is still good: not sent again. */
    ALREADY_LIVE,
    /** Asked again too soon. */
    COOLDOWN,
    /** Too many sent this hour. */
    HOURLY_CAP
  }
}
