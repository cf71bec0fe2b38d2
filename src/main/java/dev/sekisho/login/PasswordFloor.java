package dev.sekisho.login;

import dev.sekisho.member.Member;
import io.vertx.core.Future;

/**
 * After a correct password: a member whose own password is shorter than today's minimum (raised
 * to 12 by ASVS 2.1.1 after members had chosen 10) still signs in, and is asked to change it
 * (password_must_change) before the portal. Answers the member as it now stands. The onboarding
 * package, which owns the password policy, provides it.
 */
@FunctionalInterface
public interface PasswordFloor {
  Future<Member> check(Member member, int passwordLength);
}
