package dev.sekisho.factor.account;

import dev.sekisho.factor.FactorPaths;
import dev.sekisho.member.Method;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What the account page offers for the member's methods: each one held, removable while another
 * remains; the code methods not yet held, to add beside the others. Passkeys are added on their
 * own page (the WebAuthn ceremony), linked from here.
 */
final class MethodChoices {
  /** The methods a member adds from this page (HOTP tokens are the insurer's to assign). */
  private static final List<Method> ADDABLE = List.of(Method.TOTP, Method.EMAIL);

  private MethodChoices() {}

  static JsonObject model(List<Method> held) {
    JsonArray rows = new JsonArray();
    for (Method method : held) {
      rows.add(new JsonObject().put("code", method.code()).put("removable", held.size() > 1)
          .put("removeHref", prove("remove-" + method.code())));
    }
    JsonArray add = new JsonArray();
    for (Method method : ADDABLE) {
      if (!held.contains(method)) {
        add.add(new JsonObject().put("code", method.code()).put("href", prove("add-" + method.code())));
      }
    }
    return new JsonObject().put("rows", rows).put("add", add).put("onlyOne", held.size() == 1);
  }

  /** The page's notice after a change, or null. */
  static String notice(String removed, String done) {
    if (removed != null) {
      return "otp.account.removed";
    }
    return done != null ? "otp.account.done" : null;
  }

  private static String prove(String intent) {
    return FactorPaths.PROVE + "?intent=" + intent;
  }
}
