package dev.sekisho.launcher;

import dev.sekisho.config.ConfigReader;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.MemberImporter;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.MemberRow;
import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Future;

import java.time.LocalDate;
import java.util.List;

/** The member the default run creates, so a newcomer can log in at once. Created once, never reset. */
final class DemoMember {
  private DemoMember() {}

  record Settings(boolean enabled, String userId, String symbol, String number, LocalDate birthdate, String name,
                  String email) {
    static Settings from(ConfigReader config) {
      return new Settings(config.bool("demo.member"), config.requiredString("demo.userId"),
          config.requiredString("demo.symbol"), config.requiredString("demo.number"), config.date("demo.birthdate"),
          config.requiredString("demo.name"), config.requiredString("demo.email"));
    }

    String issuedPassword(IssuedPasswordRule rule) {
      return rule.passwordFor(symbol, number, birthdate);
    }
  }

  /** What the banner may say: whether the member was created now, and whether its issued password still logs in. */
  record Status(boolean created, boolean issuedPasswordWorks) {
    static final Status OFF = new Status(false, false);
  }

  static Future<Status> ensure(Settings demo, MemberRepository members, MemberImporter importer, PasswordHasher hasher,
                               IssuedPasswordRule rule) {
    if (!demo.enabled()) {
      return Future.succeededFuture(Status.OFF);
    }
    return members.findByLoginId(demo.userId()).compose(existing -> {
      if (existing != null) {
        // After the first login the member sets its own password: the banner must not show a stale one.
        return hasher.verify(demo.issuedPassword(rule), existing.passwordHash()).map(works -> new Status(false, works));
      }
      MemberRow row = new MemberRow(0, demo.userId(), demo.symbol(), demo.number(), demo.birthdate(), demo.name(),
          demo.email(), null);
      return importer.load(List.of(row)).map(report -> new Status(true, true));
    });
  }
}
