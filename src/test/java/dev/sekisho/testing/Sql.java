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

  /** A count or other single number. */
  public static long count(String sql, Object... params) {
    return ((Number) value(sql, params)).longValue();
  }

  /** Every row as column label to value. */
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

  /**
   * Puts a member straight into a journey state with what onboarding records on the way (current
   * terms accepted, email confirmed, password changed, a set-up deadline ahead).
   */
  public static void memberState(String loginId, String state, String chosenMethod) {
    update("update member set onboarding_state = ?, chosen_method = ?, password_must_change = false, "
        + "birthdate_verified_at = now(), terms_version = 'v1', terms_accepted_at = now(), email_confirmed_at = now(), "
        + "password_changed_at = now(), onboarded_at = now(), setup_deadline = now() + interval '14 days' "
        + "where login_id = ?", state, chosenMethod, loginId);
  }

  /** A member who finished onboarding and set a method up: the next login asks for the second factor. */
  public static void memberSetUp(String loginId, String method) {
    memberState(loginId, "method_set_up", method);
    update("insert into member_method (member_id, method) select id, ? from member where login_id = ? "
        + "on conflict do nothing", method, loginId);
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
