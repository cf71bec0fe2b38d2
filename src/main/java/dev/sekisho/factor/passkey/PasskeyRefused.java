package dev.sekisho.factor.passkey;

/**
 * A passkey ceremony or change that is refused for a reason the member (or the insurer) should
 * see. The reason is a message key suffix under {@code passkey.errors}; never a stack trace.
 */
public final class PasskeyRefused extends RuntimeException {
  /** Why, as a stable code: also the JSON error code and the audit outcome. */
  public enum Reason {
    DUPLICATE, NOT_YOURS, TOO_MANY, CHALLENGE, ORIGIN, NOT_RECOGNISED, COUNTER, INVALID, LAST_METHOD, NOT_FOUND,
    /** A first set-up after the set-up deadline passed (the session was opened before it). */
    SETUP_EXPIRED
  }

  private final Reason reason;

  public PasskeyRefused(Reason reason, String detail) {
    super(reason + ": " + detail, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public String code() {
    return reason.name().toLowerCase(java.util.Locale.ROOT);
  }
}
