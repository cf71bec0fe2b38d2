package dev.sekisho.launcher;

import dev.sekisho.member.ImportProblem;
import dev.sekisho.member.ImportRejected;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.MemberImporter;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code import-members FILE}: the command-line twin of POST /sekisho/admin/api/members/import.
 * It runs on the main thread of its own short-lived process, so waiting for the result is fine.
 */
final class ImportCommand {
  private ImportCommand() {}

  static int run(String[] args) {
    if (args.length != 2) {
      System.err.println("Usage: java -jar sekisho.jar import-members FILE.csv");
      return 2;
    }
    Path file = Path.of(args[1]);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      System.err.println(file + " is not UTF-8 text; nothing was loaded.");
      return 1;
    } catch (IOException e) {
      System.err.println("Cannot read " + file + ": " + e.getMessage());
      return 1;
    }
    Settings settings = Settings.from(Main.config());
    try (CommandDatabase db = CommandDatabase.open(settings, 2)) {
      Vertx vertx = db.vertx();
      Pool pool = db.pool();
      MemberImporter importer = new MemberImporter(vertx, new MemberRepository(pool),
          new PasswordHasher(vertx, settings.password()), new IssuedPasswordRule(settings.password().issuedRule()));
      CompletableFuture<Integer> status = new CompletableFuture<>();
      importer.importCsv(text).onComplete(result -> {
        if (result.succeeded()) {
          var r = result.result();
          System.out.printf("Loaded %d members: %d new, %d updated, %d issued passwords set.%n",
              r.members(), r.inserted(), r.updated(), r.passwordsIssued());
          status.complete(0);
        } else if (result.cause() instanceof ImportRejected rejected) {
          System.err.println("Nothing was loaded: " + rejected.problems().size() + " line(s) refused.");
          for (ImportProblem p : rejected.problems()) {
            System.err.println("  " + p);
          }
          status.complete(1);
        } else {
          System.err.println("Import failed: " + result.cause().getMessage());
          status.complete(1);
        }
      });
      return status.get(2, TimeUnit.HOURS);
    } catch (Exception e) {
      System.err.println("Import failed: " + e.getMessage());
      return 1;
    }
  }
}
