package dev.sekisho.factor;

import dev.sekisho.journey.Journey;
import dev.sekisho.web.Paths;

/** The paths of the second-factor pages, for the factor packages that link to each other's. */
public final class FactorPaths {
  public static final String SETUP_TOTP = Journey.SETUP_PREFIX + "totp";
  public static final String SETUP_EMAIL = Journey.SETUP_PREFIX + "email";
  /** The recovery codes page's "continue" (after a set-up or new codes). */
  public static final String SETUP_DONE = Paths.PREFIX + "/otp/continue";
  public static final String VERIFY_RECOVERY = Journey.VERIFY + "/recovery";
  /** The member's own methods (change, new recovery codes). */
  public static final String ACCOUNT = Paths.PREFIX + "/account/otp";
  /** The fresh check before a change on the account page. */
  public static final String PROVE = ACCOUNT + "/prove";

  private FactorPaths() {}

  /** The set-up page of one factor. */
  public static String setUp(String factorCode) {
    return Journey.SETUP_PREFIX + factorCode;
  }

  /** The second step's page of one factor. */
  public static String verify(String factorCode) {
    return Journey.VERIFY + "/" + factorCode;
  }
}
