package dev.sekisho.staff;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The four staff roles of issue 16. One table decides every permission, so a console page and
 * the action behind it cannot disagree about who may do what.
 */
public enum Role {
  /** Everything, including staff management. */
  ADMIN(EnumSet.allOf(Permission.class)),
  /** Member actions and imports. */
  OPERATOR(EnumSet.complementOf(EnumSet.of(Permission.MANAGE_STAFF))),
  /** Reads member state and the audit log, unlocks and extends the set-up deadline. */
  HELPDESK(EnumSet.of(Permission.READ, Permission.UNLOCK, Permission.EXTEND_DEADLINE)),
  /** Reads only. */
  AUDITOR(EnumSet.of(Permission.READ));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = permissions;
  }

  public boolean may(Permission permission) {
    return permissions.contains(permission);
  }

  /** Whether this role may do everything the other may: a token's role must be covered by its owner's. */
  public boolean covers(Role other) {
    return permissions.containsAll(other.permissions);
  }

  /** The name stored and typed: admin, operator, helpdesk, auditor. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role with this name, or null. */
  public static Role parse(String text) {
    for (Role role : values()) {
      if (role.key().equals(text)) {
        return role;
      }
    }
    return null;
  }
}
