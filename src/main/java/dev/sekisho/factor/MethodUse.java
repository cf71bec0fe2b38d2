package dev.sekisho.factor;

import dev.sekisho.member.Method;

/**
 * The "method used" record of a passing second-factor check, written by the check's own statement
 * (no second round trip): member_method's last use and the member's last method, which orders the
 * choice page (last used first). One fragment for every check that writes it.
 */
public final class MethodUse {
  private MethodUse() {}

  /**
   * Two CTEs, {@code m} and {@code l}, for a statement whose member id is {@code $1}; they write only
   * when {@code passed} (an SQL condition, e.g. {@code exists (select 1 from u)}) holds.
   */
  public static String ctes(Method method, String passed) {
    String code = method.code();
    return "m as (update member_method set last_used_at = now() where member_id = $1 and method = '" + code + "' and "
        + passed + "),\n"
        + "l as (update member set last_method = '" + code + "' where id = $1 and " + passed
        + " and last_method is distinct from '" + code + "')";
  }

  /**
   * The same two CTEs for a statement deciding many checks at once: they write for the members in
   * {@code passedMembers} (an SQL query of member ids, e.g. {@code select member_id from u}).
   */
  public static String batchCtes(Method method, String passedMembers) {
    String code = method.code();
    return "m as (update member_method set last_used_at = now() where method = '" + code + "' and member_id in ("
        + passedMembers + ")),\n"
        + "l as (update member set last_method = '" + code + "' where id in (" + passedMembers
        + ") and last_method is distinct from '" + code + "')";
  }
}
