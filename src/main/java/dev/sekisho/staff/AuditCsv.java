package dev.sekisho.staff;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Audit events as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read the Japanese).
 * A cell that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe:
 * the log holds text that visitors typed (user IDs, user agents).
 */
final class AuditCsv {
  private AuditCsv() {}

  static String of(JsonArray events) {
    StringBuilder out = new StringBuilder("\uFEFFat,user_id,kind,outcome,staff,ip,user_agent,detail\r\n");
    for (Object e : events) {
      JsonObject event = (JsonObject) e;
      JsonObject detail = event.getJsonObject("detail", new JsonObject());
      String[] cells = {event.getString("at"), event.getString("userId"), event.getString("kind"), event.getString("outcome"),
          detail.getString("staff"), event.getString("ip"), event.getString("userAgent"), detail.encode()};
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(cell(cells[i]));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  static String cell(String value) {
    if (value == null) {
      return "";
    }
    String text = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }
}
