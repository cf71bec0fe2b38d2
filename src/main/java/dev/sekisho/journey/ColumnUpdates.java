package dev.sekisho.journey;

import java.util.List;

/**
 * What a move writes besides the state, and any further condition it needs, as SQL for
 * {@link JourneyEngine#move}. Parameters are numbered from $4 in the order given ($1 is the member
 * id, $2 and $3 the states); a condition may also use $1.
 */
public record ColumnUpdates(String sets, String condition, List<Object> params) {
  public static ColumnUpdates none() {
    return new ColumnUpdates(null, null, List.of());
  }

  /** SET clauses, e.g. {@code "email = $4, email_confirmed_at = now()"}. */
  public static ColumnUpdates set(String sets, Object... params) {
    return new ColumnUpdates(sets, null, List.of(params));
  }

  /** The move also needs this to hold (else it is a no-op, like a member no longer in from). */
  public ColumnUpdates onlyIf(String sqlCondition) {
    return new ColumnUpdates(sets, sqlCondition, params);
  }
}
