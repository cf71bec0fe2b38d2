package dev.sekisho.admin;

/** An admin API input that fails validation: becomes a 400 {"error":{"code","message"}}. */
final class BadInput extends RuntimeException {
  private final String code;

  BadInput(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  String code() {
    return code;
  }
}
