package dev.sekisho.web;

import io.vertx.ext.web.RoutingContext;

/**
 * Reads one form field safely: bounded length, and refused when the bytes were not UTF-8
 * (vertx decodes them to U+FFFD) or carry NUL. A refused field reads as null.
 */
public final class FormInput {
  private FormInput() {}

  public static String field(RoutingContext ctx, String name, int maxLength) {
    String value = ctx.request().getFormAttribute(name);
    if (value == null || value.length() > maxLength || value.indexOf('\uFFFD') >= 0 || value.indexOf('\0') >= 0) {
      return null;
    }
    return value;
  }

  /** True when any field of the form is not clean UTF-8 text. */
  public static boolean hasMalformedField(RoutingContext ctx) {
    return ctx.request().formAttributes().entries().stream()
        .anyMatch(e -> e.getValue().indexOf('\uFFFD') >= 0 || e.getValue().indexOf('\0') >= 0);
  }
}
