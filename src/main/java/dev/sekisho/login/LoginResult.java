package dev.sekisho.login;

import dev.sekisho.member.Member;

/** The outcome of an ID + password check. member is set only on success. */
public record LoginResult(Outcome outcome, Member member) {
  public enum Outcome {
    SUCCESS,
    /** Unknown ID or wrong password: deliberately the same answer. */
    INVALID,
    /** Too many failures for this ID or this client address. */
    LOCKED
  }

  static LoginResult of(Outcome outcome) {
    return new LoginResult(outcome, null);
  }
}
