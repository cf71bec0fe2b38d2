package dev.sekisho.factor.hotp;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.member.Method;
import dev.sekisho.factor.MethodDirectory;
import dev.sekisho.factor.SecondFactor;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** A hardware HOTP token (RFC 4226) the insurer assigns; checked by code, resynchronised with two. */
public final class HotpFactor implements SecondFactor {
  private final HotpService hotp;
  private final MethodDirectory methods;

  public HotpFactor(HotpService hotp, MethodDirectory methods) {
    this.hotp = hotp;
    this.methods = methods;
  }

  @Override
  public Method method() {
    return Method.HOTP;
  }

  @Override
  public Future<CheckResult> verify(Answer answer) {
    String next = answer.nextCode();
    return next == null || next.isBlank() ? hotp.verify(answer.memberId(), answer.code())
        : hotp.resync(answer.memberId(), answer.code(), next);
  }

  @Override
  public Future<Boolean> configuredFor(long memberId) {
    return methods.has(memberId, Method.HOTP);
  }

  @Override
  public Future<Void> removeCredential(SqlClient tx, long memberId) {
    return deleteToken(tx, memberId);
  }

  static Future<Void> deleteToken(SqlClient tx, long memberId) {
    return tx.preparedQuery("delete from otp_hotp where member_id = $1").execute(Tuple.of(memberId)).mapEmpty();
  }
}
