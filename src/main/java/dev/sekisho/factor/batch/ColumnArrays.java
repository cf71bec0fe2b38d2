package dev.sekisho.factor.batch;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The parameters of a batch statement built from its checks' single-statement parameters: one
 * array per column (the k-th element is the k-th check's value), which the statement unnests
 * {@code with ordinality} into one row per check. Every batch statement of the second factors
 * reads its checks this way, so a check stays exactly the {@link Tuple} its single statement takes
 * and a batch that fails as a whole can be decided again check by check, unchanged.
 *
 * <p>The columns are described by a type string, one character per parameter of a check:
 * {@code L} Long, {@code I} Integer, {@code D} Double, {@code S} String, {@code B} Buffer, {@code T} OffsetDateTime, each
 * becoming an array parameter in that order; {@code -} a parameter that is one value for every
 * check (a setting: an absolute timeout, a number of tries), taken from the first check and added
 * after all the arrays, in its order. Elements may be null (SQL null in the array); no rows give
 * empty arrays.
 */
public final class ColumnArrays {
  private ColumnArrays() {}

  /** The checks' parameters as one array per column, then the shared ones (see the class comment). */
  public static Tuple of(String types, List<Tuple> checks) {
    return add(Tuple.tuple(), types, checks);
  }

  /**
   * Adds the checks' arrays (then their shared parameters) to {@code out}: for a statement that
   * unnests more than one set of rows (RecoveryCheckBatch: one row per typed hash, one per check).
   */
  public static Tuple add(Tuple out, String types, List<Tuple> checks) {
    if (checks.isEmpty() && types.indexOf('-') >= 0) {
      throw new IllegalArgumentException("a shared parameter needs at least one check to take it from");
    }
    if (!checks.isEmpty() && checks.get(0).size() != types.length()) {
      throw new IllegalArgumentException("a check has " + checks.get(0).size() + " parameters, the types say " + types.length());
    }
    for (int p = 0; p < types.length(); p++) {
      int at = p;
      switch (types.charAt(p)) {
        case 'L' -> out.addArrayOfLong(checks.stream().map(c -> c.getLong(at)).toArray(Long[]::new));
        case 'I' -> out.addArrayOfInteger(checks.stream().map(c -> c.getInteger(at)).toArray(Integer[]::new));
        case 'D' -> out.addArrayOfDouble(checks.stream().map(c -> c.getDouble(at)).toArray(Double[]::new));
        case 'S' -> out.addArrayOfString(checks.stream().map(c -> c.getString(at)).toArray(String[]::new));
        case 'B' -> out.addArrayOfBuffer(checks.stream().map(c -> c.getBuffer(at)).toArray(Buffer[]::new));
        case 'T' -> out.addArrayOfOffsetDateTime(checks.stream().map(c -> c.getOffsetDateTime(at)).toArray(OffsetDateTime[]::new));
        case '-' -> { } // shared: added below, after the arrays
        default -> throw new IllegalArgumentException("unknown column type '" + types.charAt(p) + "' in " + types);
      }
    }
    for (int p = 0; p < types.length(); p++) {
      if (types.charAt(p) == '-') {
        out.addValue(checks.get(0).getValue(p));
      }
    }
    return out;
  }
}
