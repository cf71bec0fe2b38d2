package dev.sekisho.member;

import java.util.Arrays;
import java.util.Optional;

/** The second factors a member can use (J1.7, J2, J3.1). The code is what the database stores. */
public enum Method {
  PASSKEY("passkey"),
  TOTP("totp"),
  EMAIL("email"),
  HOTP("hotp");

  private final String code;

  Method(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<Method> fromCode(String code) {
    return Arrays.stream(values()).filter(m -> m.code.equals(code)).findFirst();
  }
}
