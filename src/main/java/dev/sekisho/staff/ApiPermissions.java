package dev.sekisho.staff;

import dev.sekisho.web.Paths;
import io.vertx.core.http.HttpMethod;

/**
 * The permission each JSON admin API call needs when a staff token makes it: reads need READ,
 * each member action its console twin's permission, and anything not listed (secret rotation,
 * hardware tokens, whatever is added later) the administrator's, so a new call is closed by default.
 */
final class ApiPermissions {
  private ApiPermissions() {}

  static Permission of(HttpMethod method, String path) {
    String call = path.startsWith(Paths.ADMIN_API) ? path.substring(Paths.ADMIN_API.length()) : path;
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      return Permission.READ;
    }
    if (call.equals("/members/import") || call.equals("/imports") || call.matches("/imports/[^/]+/start")) {
      return Permission.IMPORT;
    }
    if (call.endsWith("/unlock")) {
      return Permission.UNLOCK;
    }
    if (call.endsWith("/setup-deadline")) {
      return Permission.EXTEND_DEADLINE;
    }
    if (call.endsWith("/password")) {
      return Permission.RESET_PASSWORD;
    }
    if (call.endsWith("/factors/reset")) {
      return Permission.RESET_FACTORS;
    }
    if (call.endsWith("/sessions/end")) {
      return Permission.END_SESSIONS;
    }
    if (call.endsWith("/deactivate") || call.endsWith("/reactivate")) {
      return Permission.DEACTIVATE;
    }
    if (call.endsWith("/remove")) {
      return Permission.REMOVE;
    }
    if (call.endsWith("/onboarding/reset")) {
      return Permission.RESET_ONBOARDING;
    }
    return Permission.MANAGE_STAFF;
  }
}
