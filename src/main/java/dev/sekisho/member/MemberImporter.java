package dev.sekisho.member;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the insurer's member file, all or nothing. New members get their issued password (from
 * the file, or the symbol+number+birthdate rule) marked must-change. A re-import updates the
 * member's details; it replaces the password only while the member still has the issued one, so
 * a re-import never undoes a password the member chose (the admin reset is the way to do that).
 */
public final class MemberImporter {
  private final Vertx vertx;
  private final MemberRepository members;
  private final PasswordHasher hasher;
  private final IssuedPasswordRule rule;

  public MemberImporter(Vertx vertx, MemberRepository members, PasswordHasher hasher, IssuedPasswordRule rule) {
    this.vertx = vertx;
    this.members = members;
    this.hasher = hasher;
    this.rule = rule;
  }

  /** Fails with {@link ImportRejected} when any line is bad; then nothing is loaded. */
  public Future<ImportReport> importCsv(String text) {
    // Parsing a large file is CPU work: keep it off the event loop.
    return vertx.executeBlocking(() -> MemberCsv.parse(text), false).compose(this::load);
  }

  /**
   * As {@link #importCsv(String)}, reading the file from disk as it parses (on a worker), so a
   * large upload is never held in memory as bytes or text. Fails with {@link ImportNotUtf8} when
   * the bytes are not UTF-8; then nothing is loaded.
   */
  public Future<ImportReport> importFile(Path file) {
    return vertx.executeBlocking(() -> {
      if (!isUtf8(file)) {
        throw new ImportNotUtf8();
      }
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        return MemberCsv.parse(reader);
      }
    }, false).compose(this::load);
  }

  /**
   * The dry-run of an import job: the file's valid rows and its bad lines, read from disk on a
   * worker as {@link #importFile} does. Fails with {@link ImportNotUtf8} when the bytes are not UTF-8.
   */
  public Future<MemberCsv.Checked> checkFile(Path file) {
    return vertx.executeBlocking(() -> {
      if (!isUtf8(file)) {
        throw new ImportNotUtf8();
      }
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        return MemberCsv.check(reader);
      }
    }, false);
  }

  /** Whether the whole file decodes as UTF-8 (the reader's decoder reports, never replaces). */
  private static boolean isUtf8(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      char[] chunk = new char[64 * 1024];
      while (reader.read(chunk) >= 0) {
        // decoding is the check
      }
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Loads rows that were already validated (the demo member, tests). */
  public Future<ImportReport> load(List<MemberRow> rows) {
    List<String> ids = rows.stream().map(MemberRow::loginId).toList();
    return members.issuedPasswordStillInUse(ids)
        .compose(stillIssued -> {
          List<Future<String>> hashes = new ArrayList<>(rows.size());
          for (MemberRow row : rows) {
            Boolean issued = stillIssued.get(row.loginId());
            boolean setPassword = issued == null || issued;
            hashes.add(setPassword ? hasher.hash(issuedPassword(row)) : Future.succeededFuture(null));
          }
          return Future.all(hashes).map(all -> hashes.stream().map(Future::result).toList());
        })
        .compose(hashList -> members.upsertAll(rows, hashList).map(inserted -> {
          int issuedCount = (int) hashList.stream().filter(h -> h != null).count();
          return new ImportReport(rows.size(), inserted, rows.size() - inserted, issuedCount);
        }));
  }

  private String issuedPassword(MemberRow row) {
    return row.password() != null ? row.password() : rule.passwordFor(row.cardSymbol(), row.cardNumber(), row.birthdate());
  }
}
