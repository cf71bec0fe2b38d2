package dev.sekisho.factor.batch;

import java.util.function.Consumer;

/**
 * A real error for a batch statement, to test the fall-back to single checks: a statement trigger
 * that makes PostgreSQL refuse any one statement writing more than one matching row of a table, so
 * a batch fails as a whole and the same checks decided alone pass. Removed on close.
 */
final class BatchRefusal implements AutoCloseable {
  private final Consumer<String> sql;
  private final String name;
  private final String table;

  private BatchRefusal(Consumer<String> sql, String name, String table) {
    this.sql = sql;
    this.name = name;
    this.table = table;
  }

  /**
   * @param sql runs one SQL statement on the test's database
   * @param event {@code insert} or {@code update}
   * @param rowFilter which written rows count (a condition on the transition table's columns; {@code true}: all)
   */
  static BatchRefusal install(Consumer<String> sql, String event, String table, String rowFilter) {
    String name = "refuse_batched_" + table;
    sql.accept("""
        create or replace function %s() returns trigger language plpgsql as $$
        begin
          if (select count(*) from written where %s) > 1 then
            raise exception 'one check per statement, for this test';
          end if;
          return null;
        end $$""".formatted(name, rowFilter));
    sql.accept("create trigger " + name + " after " + event + " on " + table + " referencing new table as written "
        + "for each statement execute function " + name + "()");
    return new BatchRefusal(sql, name, table);
  }

  @Override
  public void close() {
    sql.accept("drop trigger " + name + " on " + table);
    sql.accept("drop function " + name + "()");
  }
}
