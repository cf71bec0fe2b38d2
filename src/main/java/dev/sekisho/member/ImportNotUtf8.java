package dev.sekisho.member;

/** The member file's bytes are not UTF-8 text; nothing of it was read or loaded. */
public final class ImportNotUtf8 extends RuntimeException {
  public ImportNotUtf8() {
    super("the member file must be UTF-8 text", null, false, false);
  }
}
