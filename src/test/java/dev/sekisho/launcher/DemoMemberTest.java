package dev.sekisho.launcher;

import dev.sekisho.config.ConfigLoader;
import dev.sekisho.db.Pools;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.MemberImporter;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.PasswordHasher;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The banner shows the demo password only while the demo member still has it. */
class DemoMemberTest {

  @Test
  void theIssuedPasswordIsShownOnlyUntilTheMemberChangesIt() throws Exception {
    String userId = "demo-banner-" + System.nanoTime();
    Settings settings = Settings.from(ConfigLoader.load(Map.of(), Map.of("demo.userId", userId)));
    Vertx vertx = Vertx.vertx();
    Pool pool = Pools.create(vertx, TestDatabase.target(), 2);
    try {
      MemberRepository members = new MemberRepository(pool);
      PasswordHasher hasher = new PasswordHasher(vertx, settings.password());
      IssuedPasswordRule rule = new IssuedPasswordRule(settings.password().issuedRule());
      MemberImporter importer = new MemberImporter(vertx, members, hasher, rule);

      assertThat(ensure(settings, members, importer, hasher, rule)).isEqualTo(new DemoMember.Status(true, true));
      assertThat(ensure(settings, members, importer, hasher, rule)).isEqualTo(new DemoMember.Status(false, true));
      // The member set its own password at the first login (here: any other hash).
      String otherHash = hasher.hash("a-password-of-its-own").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Sql.update("update member set password_hash = ? where login_id = ?", otherHash, userId);
      // Failed before: the banner printed the issued password whatever the member had done.
      assertThat(ensure(settings, members, importer, hasher, rule)).isEqualTo(new DemoMember.Status(false, false));
    } finally {
      pool.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static DemoMember.Status ensure(Settings settings, MemberRepository members, MemberImporter importer,
                                          PasswordHasher hasher, IssuedPasswordRule rule) throws Exception {
    return DemoMember.ensure(settings.demo(), members, importer, hasher, rule)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
