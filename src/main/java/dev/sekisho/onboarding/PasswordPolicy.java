package dev.sekisho.onboarding;

import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.Member;
import dev.sekisho.member.NewPasswordRule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The new-password rules of J1.8, from the configuration: length, not a known-weak password, and
 * nothing derived from what the insurer knows about the member (user ID, birthdate, card symbol
 * and number, the issued password). "Differs from the current password" needs a hash verification
 * and is done by the service on the hashing pool.
 *
 * <p>The rules run on a worker: the breached-password list is read the first time a password is
 * checked (see {@link PasswordStrength}), and the strength estimate burns CPU. A password is rare
 * next to logins and checks, so the hop costs nothing that matters.
 */
public final class PasswordPolicy implements NewPasswordRule {
  private final Vertx vertx;
  private final OnboardingSettings settings;
  private final OnboardingTexts texts;
  private final IssuedPasswordRule issuedRule;

  public PasswordPolicy(Vertx vertx, OnboardingSettings settings, OnboardingTexts texts, IssuedPasswordRule issuedRule) {
    this.vertx = vertx;
    this.settings = settings;
    this.texts = texts;
    this.issuedRule = issuedRule;
  }

  /** The rules on a worker: null when acceptable, else the message key saying why not. */
  @Override
  public Future<String> problem(String password, Member member) {
    return vertx.executeBlocking(() -> problemNow(password, member), false);
  }

  /**
   * The rules, then the strength estimate (J1.8, the member's own password), on one worker: null
   * when acceptable, else the message key of the first problem.
   */
  public Future<String> problemOrGuessable(String password, Member member) {
    return vertx.executeBlocking(() -> {
      String problem = problemNow(password, member);
      if (problem != null) {
        return problem;
      }
      return texts.strength().isGuessable(password) ? "onboarding.password.guessable" : null;
    }, false);
  }

  /** Blocking (see the class comment). */
  private String problemNow(String password, Member member) {
    if (password.length() < settings.passwordMinLength()) {
      return "onboarding.password.tooShort";
    }
    if (password.length() > settings.passwordMaxLength()) {
      return "onboarding.password.tooLong";
    }
    String lower = password.toLowerCase(Locale.ROOT);
    String issued = issuedRule.passwordFor(member.cardSymbol(), member.cardNumber(), member.birthdate());
    if (lower.equals(issued.toLowerCase(Locale.ROOT))) {
      // The password of the insurer's notice typed again: say so, not the general "guessable".
      return "onboarding.password.same";
    }
    if (password.chars().distinct().count() < 4 || texts.isKnownWeak(password)) {
      return "onboarding.password.weak";
    }
    if (member.loginId().length() >= 3 && lower.contains(member.loginId().toLowerCase(Locale.ROOT))) {
      return "onboarding.password.personal";
    }
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
