package dev.sekisho.factor;

import dev.sekisho.member.Method;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every second factor of the gateway, by code: the one place that knows which exist. The pages
 * and the JSON API ask it for the factor a member chose or typed a code for, instead of a switch.
 */
public final class SecondFactors {
  private final Map<String, SecondFactor> byCode = new LinkedHashMap<>();

  private SecondFactors(List<SecondFactor> factors) {
    for (SecondFactor factor : factors) {
      if (byCode.putIfAbsent(factor.code(), factor) != null) {
        throw new IllegalArgumentException("two second factors named " + factor.code());
      }
    }
  }

  public static SecondFactors of(SecondFactor... factors) {
    return new SecondFactors(List.of(factors));
  }

  /** The factor of that code ("totp", "recovery", ...), empty when there is none. */
  public Optional<SecondFactor> byCode(String code) {
    return Optional.ofNullable(code == null ? null : byCode.get(code));
  }

  /** The factor of one of the member's methods; null only for a method no factor implements. */
  public SecondFactor of(Method method) {
    return method == null ? null : byCode.get(method.code());
  }

  /** The factor that answers a typed code at the second step (not a passkey), empty otherwise. */
  public Optional<SecondFactor> typedCode(String code) {
    return byCode(code).filter(SecondFactor::answersTypedCode);
  }

  public Collection<SecondFactor> all() {
    return byCode.values();
  }
}
