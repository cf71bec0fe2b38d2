package dev.sekisho.bench;

import java.util.HashSet;
import java.util.Set;

/**
 * Every TOTP code the gateways accepted, as (member, time step). Replay protection holds when no
 * pair was accepted twice, whichever gateway process answered. Used from the driver's one event loop.
 */
final class ReplayLedger {
  private final Set<Long> accepted = new HashSet<>();
  private long duplicates;

  void accepted(int memberIndex, long step) {
    if (!accepted.add(((long) memberIndex << 32) | (step & 0xffffffffL))) {
      duplicates++;
    }
  }

  long acceptedCount() {
    return accepted.size() + duplicates;
  }

  long duplicates() {
    return duplicates;
  }
}
