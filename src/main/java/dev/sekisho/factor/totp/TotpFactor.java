package dev.sekisho.factor.totp;

import dev.sekisho.factor.Activation;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.member.Member;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** TOTP from an authenticator app (RFC 6238): set up by the member with a QR code, checked by code. */
public final class TotpFactor implements SecondFactor {
  private final TotpService totp;

  public TotpFactor(TotpService totp) {
    this.totp = totp;
  }

  @Override
  public Method method() {
    return Method.TOTP;
  }

  @Override
  public Future<CheckResult> verify(Answer answer) {
    return totp.verify(answer.memberId(), answer.code());
  }

  @Override
  public Future<Activation> activate(long memberId, String answer, SecondFactor replaced) {
    return totp.activate(memberId, answer, replaced);
  }

  @Override
  public Future<Void> beginSetUp(Member member) {
    return totp.renew(member.id(), member.loginId()).mapEmpty();
  }

  @Override
  public Future<Boolean> configuredFor(long memberId) {
    return totp.has(memberId);
  }

  @Override
  public Future<Void> removeCredential(SqlClient tx, long memberId) {
    return tx.preparedQuery("delete from otp_totp where member_id = $1").execute(Tuple.of(memberId)).mapEmpty();
  }
}
