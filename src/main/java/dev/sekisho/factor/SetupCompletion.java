package dev.sekisho.factor;

import dev.sekisho.member.Method;

import io.vertx.ext.web.RoutingContext;

/**
 * How a factor package ends a first set-up during sign-in: the member's recovery codes (issued
 * once, with the first method, whichever it is) are shown, then the sign-in completes with the
 * method. The OTP package, which owns recovery codes, provides it.
 */
@FunctionalInterface
public interface SetupCompletion {
  void finish(RoutingContext ctx, long memberId, Method method);
}
