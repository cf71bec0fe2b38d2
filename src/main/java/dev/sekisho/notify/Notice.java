package dev.sekisho.notify;

/**
 * The changes to a member's account that the member is told about by mail (ASVS 2.2.3, 2.5.5,
 * 2.8.5), each with its mail text webroot/mail/TEMPLATE.LANG.txt.
 */
public enum Notice {
  PASSWORD_CHANGED("notice-password-changed"),
  /** Sent to the old and the new address once the new one is confirmed. */
  EMAIL_CHANGED("notice-email-changed"),
  METHOD_ADDED("notice-method-added"),
  METHOD_REMOVED("notice-method-removed"),
  RECOVERY_CODE_USED("notice-recovery-code-used"),
  PASSWORD_RESET_BY_INSURER("notice-password-reset"),
  FACTORS_RESET_BY_INSURER("notice-factors-reset"),
  /** At most one per lock: see {@link SecurityNotices#send}. */
  ACCOUNT_LOCKED("notice-account-locked");

  private final String template;

  Notice(String template) {
    this.template = template;
  }

  /** The mail template's name, also the outbox row's kind. */
  public String template() {
    return template;
  }
}
