package dev.sekisho.testing;

import dev.sekisho.db.DatabaseTarget;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain JDBC against the test database, for arranging state and checking what was stored. */
public final class Sql {
  private Sql() {}

  public static int update(String sql, Object... params) {
    try (Connection c = connect(); PreparedStatement st = prepare(c, sql, params)) {
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static List<Map<String, Object>> query(String sql, Object... params) {
    try (Connection c = connect(); PreparedStatement st = prepare(c, sql, params); ResultSet rs = st.executeQuery()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Object one(String sql, Object... params) {
    List<Map<String, Object>> rows = query(sql, params);
    return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
  }

  /** Puts a member straight into a journey state (what onboarding would have done). */
  public static void memberState(String loginId, String state, String chosenMethod) {
    update("update member set onboarding_state = ?, chosen_method = ?, password_must_change = false where login_id = ?",
        state, chosenMethod, loginId);
  }

  private static Connection connect() throws SQLException {
    DatabaseTarget t = TestDatabase.target();
    return DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password());
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement st = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      st.setObject(i + 1, params[i]);
    }
    return st;
  }
}
