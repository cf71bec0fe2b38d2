package dev.sekisho.member;

import io.vertx.sqlclient.Row;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * A member as stored (chosenMethod is null until J1.7; deactivatedAt is null while the member is
 * active, see V16). The password hash never leaves the member and login packages.
 */
public record Member(
    long id, String loginId, String cardSymbol, String cardNumber, LocalDate birthdate,
    String name, String email, String passwordHash, boolean passwordMustChange,
    MemberState onboardingState, Method chosenMethod, OffsetDateTime lastLoginAt, OffsetDateTime deactivatedAt) {

  /** The columns {@link #from} reads; public for statements that join the member row with others (the login lookup). */
  public static final String COLUMNS = "id, login_id, card_symbol, card_number, birthdate, name, email, "
      + "password_hash, password_must_change, onboarding_state, chosen_method, last_login_at, deactivated_at";

  /** The member of a row selected with {@link #COLUMNS}, or null when the row has none (an outer join that found none). */
  public static Member from(Row row) {
    if (row.getValue("id") == null) {
      return null;
    }
    return new Member(row.getLong("id"), row.getString("login_id"), row.getString("card_symbol"),
        row.getString("card_number"), row.getLocalDate("birthdate"), row.getString("name"),
        row.getString("email"), row.getString("password_hash"), row.getBoolean("password_must_change"),
        MemberState.of(row.getString("onboarding_state")), Method.fromCode(row.getString("chosen_method")).orElse(null),
        row.getOffsetDateTime("last_login_at"), row.getOffsetDateTime("deactivated_at"));
  }

  /** Whether the insurer deactivated this member (資格喪失 or a suspension): no login, no session. */
  public boolean deactivated() {
    return deactivatedAt != null;
  }
}
