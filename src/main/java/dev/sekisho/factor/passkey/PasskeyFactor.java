package dev.sekisho.factor.passkey;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.member.Method;
import dev.sekisho.factor.MethodDirectory;
import dev.sekisho.factor.SecondFactor;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * A passkey (WebAuthn): set up by the registration ceremony (PasskeyRegistrationRoutes), checked
 * by a signed assertion over the challenge the session was given.
 */
public final class PasskeyFactor implements SecondFactor {
  private final PasskeyService passkeys;
  private final MethodDirectory methods;

  public PasskeyFactor(PasskeyService passkeys, MethodDirectory methods) {
    this.passkeys = passkeys;
    this.methods = methods;
  }

  @Override
  public Method method() {
    return Method.PASSKEY;
  }

  @Override
  public boolean answersTypedCode() {
    return false;
  }

  @Override
  public Future<CheckResult> verify(Answer answer) {
    return passkeys.verifyLogin(answer.memberId(), answer.loginId(), answer.challenge(), answer.assertion(), answer.client())
        .map(CheckResult.OK);
  }

  @Override
  public Future<Boolean> configuredFor(long memberId) {
    return methods.has(memberId, Method.PASSKEY);
  }

  @Override
  public Future<Void> removeCredential(SqlClient tx, long memberId) {
    return tx.preparedQuery("delete from passkey where member_id = $1").execute(Tuple.of(memberId)).mapEmpty();
  }
}
