package dev.sekisho.factor.totp;

import io.vertx.core.buffer.Buffer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sessions waiting at the second step that this process has just seen (at the API login, at the
 * methods call, at a check that read them), with the exact bytes of their stored row. With a ticket
 * and the member's key in memory, the JSON API's TOTP check needs no read before its one statement
 * ({@link TotpApiCheck}). A ticket is only a hint: the statement changes nothing unless the row is
 * still byte for byte the one remembered and still live, so a logout, an "end sessions" or any
 * change made on another process since is never overridden; the check then takes the ordinary path.
 *
 * <p>Bounded (oldest out first) and short-lived; one instance per gateway process, shared by its
 * verticles, since a member's next request may land on any event loop.
 */
public final class SecondStepTickets {
  /**
   * A remembered row: whose session it is and its bytes. The bytes as a plain array, not a Buffer:
   * tickets live for seconds to minutes, so they are promoted to the old generation, and a Buffer
   * there is three more objects (its ByteBuf and reference count) per ticket to copy, keep and mark.
   */
  record Ticket(long memberId, byte[] row, long seenAtMillis) {
    Buffer rowBuffer() {
      return Buffer.buffer(row);
    }
  }

  private final int limit;
  private final long lifetimeMillis;
  private final Map<String, Ticket> byToken;

  public SecondStepTickets(int limit, long lifetimeMillis) {
    this.limit = limit;
    this.lifetimeMillis = lifetimeMillis;
    this.byToken = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Ticket> eldest) {
        return size() > SecondStepTickets.this.limit;
      }
    };
  }

  /** Tickets a gateway keeps: enough for the members of several minutes of logins; a ticket is a few hundred bytes. */
  public static final int STANDARD_LIMIT = 50_000;

  public static SecondStepTickets standard() {
    return new SecondStepTickets(STANDARD_LIMIT, 10 * 60_000L);
  }

  synchronized void remember(String token, long memberId, Buffer row) {
    if (row != null) {
      byToken.put(token, new Ticket(memberId, row.getBytes(), System.currentTimeMillis()));
    }
  }

  /** The ticket of the token, removed (a check uses it once: the session's id changes when it passes). */
  synchronized Ticket take(String token) {
    Ticket ticket = byToken.remove(token);
    return ticket == null || System.currentTimeMillis() - ticket.seenAtMillis() > lifetimeMillis ? null : ticket;
  }
}
