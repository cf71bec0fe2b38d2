package dev.sekisho.testing;

import dev.sekisho.db.DatabaseTarget;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Direct SQL on the test database over JDBC, for what a test cannot wait for in real time (a link
 * that expires in 24 hours, a set-up deadline days away) and for reading what was recorded.
 */
public final class Sql {
  private Sql() {}

  public static int update(String sql, Object... params) {
    try (Connection c = connect(); PreparedStatement s = prepare(c, sql, params)) {
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first column of the first row, or null. */
  public static Object value(String sql, Object... params) {
    try (Connection c = connect(); PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
      return rs.next() ? rs.getObject(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      s.setObject(i + 1, params[i]);
    }
    return s;
  }

  private static Connection connect() throws SQLException {
    DatabaseTarget t = TestDatabase.target();
    return DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password());
  }
}
