package dev.sekisho.imports;

import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.Arrays;
import java.util.List;

/**
 * Hashes a chunk's passwords with at most {@code inFlight} of them on the hashing pool at a time.
 * The pool is shared with member logins: submitting a whole chunk at once would queue hundreds of
 * hashes ahead of every login's verification; a small window keeps a login's wait to at most a
 * few hashes whatever the size of the import.
 */
final class BoundedHashes {
  private final PasswordHasher hasher;
  private final String[] passwords;
  private final String[] hashes;
  private final Promise<List<String>> result = Promise.promise();
  private int next;
  private int running;

  private BoundedHashes(PasswordHasher hasher, List<String> passwords) {
    this.hasher = hasher;
    this.passwords = passwords.toArray(String[]::new);
    this.hashes = new String[this.passwords.length];
  }

  /** Per password, its hash; null stays null (no password to set). All callbacks run on the caller's context. */
  static Future<List<String>> hashAll(PasswordHasher hasher, List<String> passwords, int inFlight) {
    BoundedHashes run = new BoundedHashes(hasher, passwords);
    for (int i = 0; i < inFlight; i++) {
      run.launchNext();
    }
    run.finishIfDone();
    return run.result.future();
  }

  private void launchNext() {
    while (next < passwords.length && passwords[next] == null) {
      next++;
    }
    if (next >= passwords.length || result.future().isComplete()) {
      return;
    }
    int index = next++;
    running++;
    hasher.hash(passwords[index]).onComplete(hashed -> {
      running--;
      if (hashed.failed()) {
        result.tryFail(hashed.cause());
        return;
      }
      hashes[index] = hashed.result();
      launchNext();
      finishIfDone();
    });
  }

  private void finishIfDone() {
    if (running == 0 && next >= passwords.length) {
      result.tryComplete(Arrays.asList(hashes));
    }
  }
}
