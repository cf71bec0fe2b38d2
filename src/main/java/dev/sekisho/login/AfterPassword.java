package dev.sekisho.login;

import dev.sekisho.member.Member;
import io.vertx.core.Future;

/**
 * Decides, after a correct ID + password, where the member goes next, or refuses the login (null),
 * for example when the set-up deadline of the chosen method has passed. The onboarding package
 * provides it; the login package stays unaware of onboarding's tables.
 */
@FunctionalInterface
public interface AfterPassword {
  Future<String> next(Member member);
}
