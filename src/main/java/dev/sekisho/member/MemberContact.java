package dev.sekisho.member;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Set;

/**
 * Whom a mail about the member goes to and in which language: the member's name, address and mail
 * language (the page language of the latest login, so a notice sent outside any request of the
 * member still reads in their language).
 */
public record MemberContact(long memberId, String name, String email, String language) {
  private static final Set<String> LANGUAGES = Set.of("ja", "en");

  /** The member's contact as it stands in this transaction (or null when there is no such member). */
  public static Future<MemberContact> of(SqlClient client, long memberId) {
    return client.preparedQuery("select name, email, mail_language from member where id = $1")
        .execute(Tuple.of(memberId)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new MemberContact(memberId, row.getString(0), row.getString(1), row.getString(2));
        });
  }

  /** Keeps the language a member just used, when it changed (most logins write nothing). */
  public static Future<Void> rememberLanguage(SqlClient client, long memberId, String language) {
    if (!LANGUAGES.contains(language)) {
      return Future.succeededFuture();
    }
    return client.preparedQuery("update member set mail_language = $2 where id = $1 and mail_language <> $2")
        .execute(Tuple.of(memberId, language)).mapEmpty();
  }
}
