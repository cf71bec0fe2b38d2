package dev.sekisho.bench;

import dev.sekisho.db.DatabaseTarget;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The database's ceilings, printed: pgbench on the single-row UPDATE and on the check's own
 * statement ({@link StatementCeiling}), with the TOTP steps restored afterwards (pgbench moves them
 * far past any real code's step, which would refuse every code of a later run on this database).
 */
final class DatabaseCeilings {
  /** The UPDATE's TPS (NaN when not measured) and the statement's result (null when not measured). */
  record Measured(double updateTps, StatementCeiling.Result statement) {}

  private DatabaseCeilings() {}

  static Measured measure(DatabaseTarget db, BenchMembers members, BenchOptions options, Path work, PrintStream out)
      throws Exception {
    if (options.pgbenchSeconds() <= 0) {
      return new Measured(Double.NaN, null);
    }
    long minId = members.ids[members.totpFrom()];
    long maxId = members.ids[members.totpTo() - 1];
    try (AutoCloseable steps = StatementCeiling.keepLastSteps(db)) {
      double pgbench = Ceilings.pgbenchTps(db, Ceilings.otpUpdateScript(minId, maxId), options.callers(), options.pgbenchSeconds(), work);
      out.printf(Locale.ROOT, "  pgbench, the OTP check's single-row UPDATE (%d clients, %d s): %s TPS%n", options.callers(),
          options.pgbenchSeconds(), Double.isNaN(pgbench) ? "unavailable" : String.format(Locale.ROOT, "%.0f", pgbench));
      StatementCeiling.Result statement = Double.isNaN(pgbench) ? null
          : StatementCeiling.measure(db, minId, options.callers(), options.pgbenchSeconds(), work);
      if (statement != null) {
        out.printf(Locale.ROOT, "  pgbench, the check's own statement (TotpApiCheck.CHECK, %d clients, %d s): %.0f TPS "
            + "(%d of %d transactions passed)%n", options.callers(), options.pgbenchSeconds(), statement.tps(), statement.passed(),
            statement.transactions());
      }
      return new Measured(pgbench, statement);
    }
  }
}
