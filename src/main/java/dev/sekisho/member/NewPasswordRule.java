package dev.sekisho.member;

import io.vertx.core.Future;

/**
 * The members' rules for a new password (J1.8), as the insurer's tools see them: they check a
 * password they set for a member against the same policy without depending on the onboarding pages
 * that own it (onboarding's PasswordPolicy implements this).
 */
public interface NewPasswordRule {
  /**
   * The message key of what is wrong with this password for this member, or null when it is
   * acceptable. A Future: the policy reads its dictionaries off the event loop.
   */
  Future<String> problem(String password, Member member);
}
