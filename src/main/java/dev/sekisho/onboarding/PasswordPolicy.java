package dev.sekisho.onboarding;

import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.Member;
import dev.sekisho.member.NewPasswordRule;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The new-password rules of J1.8, from the configuration: length, not a known-weak password, and
 * nothing derived from what the insurer knows about the member (user ID, birthdate, card symbol
 * and number, the issued password). Cheap checks only; "differs from the current password" needs
 * a hash verification and is done by the service on the hashing pool.
 */
public final class PasswordPolicy implements NewPasswordRule {
  private final OnboardingSettings settings;
  private final OnboardingTexts texts;
  private final IssuedPasswordRule issuedRule;

  public PasswordPolicy(OnboardingSettings settings, OnboardingTexts texts, IssuedPasswordRule issuedRule) {
    this.settings = settings;
    this.texts = texts;
    this.issuedRule = issuedRule;
  }

  /** Null when acceptable, else the message key saying why not. */
  @Override
  public String problem(String password, Member member) {
    if (password.length() < settings.passwordMinLength()) {
      return "onboarding.password.tooShort";
    }
    if (password.length() > settings.passwordMaxLength()) {
      return "onboarding.password.tooLong";
    }
    if (password.chars().distinct().count() < 4 || texts.isKnownWeak(password)) {
      return "onboarding.password.weak";
    }
    String lower = password.toLowerCase(Locale.ROOT);
    if (member.loginId().length() >= 3 && lower.contains(member.loginId().toLowerCase(Locale.ROOT))) {
      return "onboarding.password.personal";
    }
    String issued = issuedRule.passwordFor(member.cardSymbol(), member.cardNumber(), member.birthdate());
    List<String> personal = List.of(
        member.birthdate().format(DateTimeFormatter.BASIC_ISO_DATE),
        member.birthdate().toString(),
        member.birthdate().format(DateTimeFormatter.ofPattern("yyyy/MM/dd")),
        member.birthdate().format(DateTimeFormatter.ofPattern("MMddyyyy")),
        member.birthdate().format(DateTimeFormatter.ofPattern("ddMMyyyy")),
        member.cardSymbol() + member.cardNumber(),
        issued.toLowerCase(Locale.ROOT));
    for (String part : personal) {
      if (part.length() >= 6 && lower.contains(part)) {
        return "onboarding.password.personal";
      }
    }
    return null;
  }
}
