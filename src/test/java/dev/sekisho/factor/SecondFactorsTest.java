package dev.sekisho.factor;

import dev.sekisho.member.Method;
import dev.sekisho.factor.email.EmailFactor;
import dev.sekisho.factor.hotp.HotpFactor;
import dev.sekisho.factor.passkey.PasskeyFactor;
import dev.sekisho.factor.recovery.RecoveryFactor;
import dev.sekisho.factor.totp.TotpFactor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry is the one place that knows the factors: every method has one, and codes are unique. */
class SecondFactorsTest {
  // The factors' services are not needed to ask the registry about names; none is called here.
  private final SecondFactors factors = SecondFactors.of(new PasskeyFactor(null, null), new TotpFactor(null),
      new EmailFactor(null, null), new HotpFactor(null, null), new RecoveryFactor(null, null));

  @Test
  void everyMethodHasItsFactorAndRecoveryCodesStandInForNone() {
    Arrays.stream(Method.values()).forEach(m -> assertThat(factors.of(m).method()).isEqualTo(m));
    assertThat(factors.byCode("recovery")).get().extracting(SecondFactor::method).isNull();
    assertThat(factors.byCode("sms")).isEmpty();
    assertThat(factors.byCode(null)).isEmpty();
  }

  @Test
  void aTypedCodeIsAnsweredByEveryFactorButAPasskey() {
    assertThat(factors.typedCode("totp")).isPresent();
    assertThat(factors.typedCode("hotp")).isPresent();
    assertThat(factors.typedCode("email")).isPresent();
    assertThat(factors.typedCode("recovery")).isPresent();
    assertThat(factors.typedCode("passkey")).isEmpty();
  }

  @Test
  void twoFactorsOfOneNameAreRefused() {
    assertThatThrownBy(() -> SecondFactors.of(new TotpFactor(null), new TotpFactor(null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totp");
  }
}
