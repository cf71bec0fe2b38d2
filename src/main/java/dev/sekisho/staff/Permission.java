package dev.sekisho.staff;

/** What a staff member may do in the console; each role grants a set of these (see {@link Role}). */
public enum Permission {
  /** Search members, open a member page, read the audit log and the locks. */
  READ,
  UNLOCK,
  EXTEND_DEADLINE,
  RESET_PASSWORD,
  RESET_FACTORS,
  END_SESSIONS,
  RESET_ONBOARDING,
  /** Deactivate and reactivate a member (資格喪失 or a suspension). */
  DEACTIVATE,
  /** Erase a member who left the insurer; cannot be undone. */
  REMOVE,
  IMPORT,
  MANAGE_STAFF
}
