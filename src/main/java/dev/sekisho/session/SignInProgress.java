package dev.sekisho.session;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;

/**
 * Where the member stands in the second-factor part of a sign-in (J2, J3) and in a change of
 * method from the account page: one typed value, stored as one session entry, read and written
 * only through these methods. It says nothing about the level reached ({@link MemberSession}).
 */
public final class SignInProgress {
  private static final String KEY = "signIn";
  /** How long after the fresh check a change of method must be finished. */
  private static final long CHANGE_WINDOW_MS = 10 * 60 * 1000;

  private final Session session;

  private SignInProgress(Session session) {
    this.session = session;
  }

  public static SignInProgress of(Session session) {
    return new SignInProgress(session);
  }

  // ---- the JSON API's second step

  /** The member is past onboarding: the API's check needs no member lookup (the state never moves back). */
  public void markSecondStepReady() {
    set("secondStepReady", true);
  }

  public boolean secondStepReady() {
    return Boolean.TRUE.equals(data().getValue("secondStepReady"));
  }

  // ---- a change of method from the account page

  /**
   * The fresh check for a change passed: the member may now set up {@code method} (a method code),
   * replacing {@code replacing} (null: nothing is replaced), within the change window.
   */
  public void startChange(String method, String replacing) {
    JsonObject d = data().put("change", method).put("changeAt", System.currentTimeMillis());
    if (replacing == null) {
      d.remove("replacing");
    } else {
      d.put("replacing", replacing);
    }
    save(d);
  }

  /** Whether a change to this method was proven recently enough to be finished now. */
  public boolean mayChangeTo(String method) {
    JsonObject d = data();
    Object at = d.getValue("changeAt");
    return at instanceof Number n && System.currentTimeMillis() - n.longValue() < CHANGE_WINDOW_MS
        && method.equals(d.getValue("change"));
  }

  /** The method code the change replaces, or null. */
  public String replacing() {
    return data().getValue("replacing") instanceof String s ? s : null;
  }

  /** The set-up is done (or the member went another way): no change is pending any more. */
  public void endChange() {
    JsonObject d = data();
    d.remove("change");
    d.remove("changeAt");
    d.remove("replacing");
    save(d);
  }

  // ---- the recovery codes page after a set-up

  /** What the codes page's "continue" does after a change from the account page: back to it. */
  public static final String BACK_TO_ACCOUNT = "account";

  /**
   * The recovery codes are on screen; their page's "continue" completes the sign-in with this
   * method code, or goes {@link #BACK_TO_ACCOUNT}.
   */
  public void showingCodes(String then) {
    set("afterCodes", then);
  }

  /** Takes what follows the codes page: a method code, {@link #BACK_TO_ACCOUNT}, or null when no codes were shown. */
  public String takeAfterCodes() {
    JsonObject d = data();
    Object then = d.remove("afterCodes");
    save(d);
    return then instanceof String s ? s : null;
  }

  // ---- a recovery code used at the second step

  /** A recovery code replaced the second factor: it is the fresh proof for one change on the account page. */
  public void markRecovered() {
    set("recovered", true);
  }

  public boolean recovered() {
    return Boolean.TRUE.equals(data().getValue("recovered"));
  }

  /** Spends the proof the recovery code gave; true when there was one. */
  public boolean takeRecovered() {
    JsonObject d = data();
    boolean was = Boolean.TRUE.equals(d.remove("recovered"));
    save(d);
    return was;
  }

  // ---- a passkey registered in this session

  /** The passkey this session registered and may still name; also marks a finished set-up ceremony. */
  public void passkeyRegistered(long passkeyId, String defaultName) {
    save(data().put("passkey", passkeyId).put("passkeyName", defaultName));
  }

  /** The id of the passkey still to be named, or null. */
  public Long passkeyToName() {
    return data().getValue("passkey") instanceof Number n ? n.longValue() : null;
  }

  public String passkeyDefaultName() {
    return data().getValue("passkeyName") instanceof String s ? s : null;
  }

  public void passkeyNamed() {
    JsonObject d = data();
    d.remove("passkey");
    d.remove("passkeyName");
    save(d);
  }

  // ----

  private JsonObject data() {
    Object stored = session == null ? null : session.get(KEY);
    // A copy: the session notices a change only when the entry is put again.
    return stored instanceof JsonObject json ? json.copy() : new JsonObject();
  }

  private void set(String field, Object value) {
    save(data().put(field, value));
  }

  private void save(JsonObject d) {
    if (d.isEmpty()) {
      session.remove(KEY);
    } else {
      session.put(KEY, d);
    }
  }
}
