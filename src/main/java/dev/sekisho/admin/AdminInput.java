package dev.sekisho.admin;

import dev.sekisho.member.LoginIds;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Validated reads of admin API parameters; each failure names the parameter. */
final class AdminInput {
  static final int MAX_PAGE_SIZE = 100;

  private AdminInput() {}

  static int page(RoutingContext ctx) {
    return number(ctx, "page", 1, 1, 100_000);
  }

  static int size(RoutingContext ctx) {
    return number(ctx, "size", 20, 1, MAX_PAGE_SIZE);
  }

  static int number(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the message
    }
    throw new BadInput("bad_" + name, name + " must be a whole number from " + min + " to " + max + ".");
  }

  /** Optional text parameter, trimmed; null when absent or empty. */
  static String text(RoutingContext ctx, String name, int maxLength) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String value = raw.trim();
    if (value.length() > maxLength || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new BadInput("bad_" + name, name + " must be at most " + maxLength + " characters, without control characters.");
    }
    return value;
  }

  static String loginId(RoutingContext ctx) {
    String id = LoginIds.normalize(ctx.pathParam("userId"));
    if (id == null || id.isEmpty() || id.length() > 64 || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new BadInput("bad_user_id", "The user ID in the path is not valid.");
    }
    return id;
  }

  static OffsetDateTime time(RoutingContext ctx, String name) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw.trim());
    } catch (DateTimeParseException e) {
      throw new BadInput("bad_" + name, name + " must be an ISO-8601 time with offset, like 2026-04-01T09:00:00+09:00.");
    }
  }

  /** The JSON object body; an empty body is an empty object. */
  static JsonObject body(RoutingContext ctx) {
    if (ctx.body() != null && ctx.body().buffer() != null && !isUtf8(ctx.body().buffer().getBytes())) {
      // Found by the bad-input fuzz suite: invalid UTF-8 was decoded to U+FFFD and a body like
      // {"x":"\xff"} read as a valid object without a password, i.e. "reset to the issued rule".
      throw new BadInput("bad_json", "The body must be a JSON object in UTF-8.");
    }
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new BadInput("bad_json", "The body must be a JSON object.");
    }
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }
}
