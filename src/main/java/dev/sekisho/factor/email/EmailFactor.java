package dev.sekisho.factor.email;

import dev.sekisho.factor.Activation;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.member.Method;
import dev.sekisho.factor.MethodDirectory;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.member.Member;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** A one-time code mailed to the member's address: the challenge sends it, the check spends it. */
public final class EmailFactor implements SecondFactor {
  private final EmailOtpService email;
  private final MethodDirectory methods;

  public EmailFactor(EmailOtpService email, MethodDirectory methods) {
    this.email = email;
    this.methods = methods;
  }

  @Override
  public Method method() {
    return Method.EMAIL;
  }

  @Override
  public Future<Challenge> challenge(Member member, boolean resend, String clientAddress, String lang) {
    return email.send(member.id(), member.email(), member.name(), lang, resend, clientAddress)
        .map(sent -> Challenge.valueOf(sent.name()));
  }

  @Override
  public Future<CheckResult> verify(Answer answer) {
    return email.verify(answer.memberId(), answer.code(), answer.passed());
  }

  /** The pass's event commits with the code's use (EmailCheckBatch): one commit per passed check. */
  @Override
  public boolean writesPassedEvent() {
    return true;
  }

  @Override
  public Future<Activation> activate(long memberId, String answer, SecondFactor replaced) {
    return email.activate(memberId, answer, replaced);
  }

  @Override
  public Future<Boolean> configuredFor(long memberId) {
    return methods.has(memberId, Method.EMAIL);
  }

  @Override
  public Future<Void> removeCredential(SqlClient tx, long memberId) {
    return tx.preparedQuery("delete from otp_email_code where member_id = $1").execute(Tuple.of(memberId)).mapEmpty();
  }
}
