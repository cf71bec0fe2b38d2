package dev.sekisho.staff;

import java.time.OffsetDateTime;

/** One staff account as stored; setUp is false until the set-up link was followed. */
public record StaffMember(String id, String name, Role role, boolean active, boolean setUp,
                          OffsetDateTime lastLoginAt) {
}
