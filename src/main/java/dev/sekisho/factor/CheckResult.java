package dev.sekisho.factor;

/** The answer to one second-factor check. */
public enum CheckResult {
  /** The code was right and is now used up. */
  OK,
  /** Wrong, already used, or not this member's: counted toward the second-step limit. */
  INVALID,
  /** The second step is locked for a cooling period. */
  LOCKED,
  /** The email code ran out of time or tries: a new one must be sent. */
  EXPIRED,
  /** The member has no such method. */
  NOT_SET_UP
}
