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
public final class TestSql {
  private TestSql() {}

  public static int update(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement st = prepare(c, sql, args)) {
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static List<Map<String, Object>> query(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement st = prepare(c, sql, args); ResultSet rs = st.executeQuery()) {
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

  /** A member who finished onboarding and set a method up: the next login asks for the second factor. */
  public static void memberSetUp(String loginId, String method) {
    update("update member set onboarding_state = 'method_set_up', chosen_method = ?, password_must_change = false "
        + "where login_id = ?", method, loginId);
    update("insert into member_method (member_id, method) select id, ? from member where login_id = ? "
        + "on conflict do nothing", method, loginId);
  }

  private static Connection connect() throws SQLException {
    DatabaseTarget t = TestDatabase.target();
    return DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password());
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement st = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      st.setObject(i + 1, args[i]);
    }
    return st;
  }
}
