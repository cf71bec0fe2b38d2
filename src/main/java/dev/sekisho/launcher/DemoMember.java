package dev.sekisho.launcher;

import dev.sekisho.config.ConfigReader;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.MemberImporter;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.MemberRow;
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

  /** @return true when the member was created now */
  static Future<Boolean> ensure(Settings demo, MemberRepository members, MemberImporter importer) {
    if (!demo.enabled()) {
      return Future.succeededFuture(false);
    }
    return members.findByLoginId(demo.userId()).compose(existing -> {
      if (existing != null) {
        return Future.succeededFuture(false);
      }
      MemberRow row = new MemberRow(0, demo.userId(), demo.symbol(), demo.number(), demo.birthdate(), demo.name(),
          demo.email(), null);
      return importer.load(List.of(row)).map(report -> true);
    });
  }
}
