package dev.sekisho.member;

import java.util.Arrays;

/**
 * Where a member stands in the journey, as member.onboarding_state stores it (the code). The order
 * is the journey's: the first-login steps (J1), then the set-up of the chosen method (J2). Which
 * moves between them exist, and who may make each, is {@link Transitions}' alone.
 */
public enum MemberState {
  ISSUED("issued"),
  BIRTHDATE_VERIFIED("birthdate_verified"),
  TERMS_ACCEPTED("terms_accepted"),
  EMAIL_CONFIRMED("email_confirmed"),
  METHOD_CHOSEN("method_chosen"),
  PASSWORD_SET("password_set"),
  ONBOARDED("onboarded"),
  METHOD_SET_UP("method_set_up");

  private final String code;

  MemberState(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The state of a stored code; the column's check constraint keeps any other code out of the table. */
  public static MemberState of(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown onboarding state " + code));
  }
}
