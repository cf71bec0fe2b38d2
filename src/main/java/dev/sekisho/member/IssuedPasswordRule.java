package dev.sekisho.member;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/** The insurer's rule for issued passwords, by default symbol + number + birthdate (yyyyMMdd). */
public final class IssuedPasswordRule {
  private static final DateTimeFormatter BASIC = DateTimeFormatter.BASIC_ISO_DATE;
  private final String template;

  public IssuedPasswordRule(String template) {
    this.template = template;
  }

  public String passwordFor(String symbol, String number, LocalDate birthdate) {
    return template.replace("{symbol}", symbol).replace("{number}", number).replace("{birthdate}", BASIC.format(birthdate));
  }
}
