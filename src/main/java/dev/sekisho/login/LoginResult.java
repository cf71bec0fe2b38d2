package dev.sekisho.login;

import dev.sekisho.member.Member;

/**
 * The outcome of an ID + password check. member is set only on success; next is the page the
 * member goes to then (from the onboarding gate, {@link AfterPassword}).
 */
public record LoginResult(Outcome outcome, Member member, String next) {
  public LoginResult(Outcome outcome, Member member) {
    this(outcome, member, null);
  }

  public enum Outcome {
    SUCCESS,
    /** Unknown ID or wrong password: deliberately the same answer. */
    INVALID,
    /** Too many failures for this ID or this client address. */
    LOCKED,
    /** Right ID and password, but the chosen method was not set up in time: ask the insurer. */
    SETUP_EXPIRED,
    /**
     * Right ID and password, but the insurer deactivated the member: ask the insurer. Told only to
     * whoever typed the right password (like SETUP_EXPIRED), so it reveals nothing to a guesser.
     */
    DEACTIVATED
  }

  static LoginResult of(Outcome outcome) {
    return new LoginResult(outcome, null);
  }
}
