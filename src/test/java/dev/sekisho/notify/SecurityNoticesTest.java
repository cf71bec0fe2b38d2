package dev.sekisho.notify;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.OtpFlowTest;
import dev.sekisho.mail.CaughtMail;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.SoftAuthenticator;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 item 5 (ASVS 2.2.3, 2.5.5, 2.8.5): each security event of today's code mails the member
 * through the outbox, read back from the gateway's real SMTP catcher: what happened, when (JST),
 * from which browser and address, what to do if it was not them, in the member's language. A lock
 * is told once, however many refused attempts follow.
 */
class SecurityNoticesTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("login.maxFailures", "3", "otp.maxFailures", "3"));

  @Test
  void aMethodSetUpAndARecoveryCodeUsedAreToldInTheLanguageOfTheLatestLogin() {
    String id = gateway.admin().newMember("ntc");
    OtpFixtures.setState(id, "onboarded", "totp");
    Object[] setUp = OtpFlowTest.setUpTotpOn(gateway.client(), id);
    @SuppressWarnings("unchecked")
    List<String> recoveryCodes = (List<String>) setUp[1];
    CaughtMail added = awaitSubject(id, "認証方法が追加されました");
    assertThat(added.body()).contains("認証方法「認証アプリ」").contains("(JST)").contains("IPアドレス: ")
        .contains("お心当たりのない場合は").contains("/sekisho/account");

    // The member's next login is in English: so are the mails from then on.
    WebClientSession english = gateway.client();
    english.setCookie("sekisho.lang", "en");
    english.login(id, AdminClient.RULE_PASSWORD);
    english.get("/sekisho/verify/recovery");
    HttpResponse<String> recovered = english.post("/sekisho/verify/recovery", Map.of("code", recoveryCodes.get(0)));
    assertThat(recovered.statusCode()).isEqualTo(303);
    CaughtMail used = awaitSubject(id, "A recovery code was used");
    assertThat(used.body()).contains("cannot be used again").contains("Time: ").contains("IP address: " + english.clientAddress())
        .contains("If this was not you, contact your health insurance society");
  }

  @Test
  void theInsurersResetsAreToldAndSayTheInsurerDidThem() {
    String id = gateway.admin().newMember("ins");
    Sql.memberSetUp(id, "email");
    assertThat(gateway.admin().call("POST", "/members/" + id + "/password", "{}", "application/json").statusCode())
        .isEqualTo(200);
    CaughtMail reset = awaitSubject(id, "健康保険組合がパスワードを再設定しました");
    assertThat(reset.body()).contains("端末（ブラウザ）: 健康保険組合の担当者").contains("この変更をご依頼でない場合");

    assertThat(gateway.admin().call("POST", "/members/" + id + "/factors/reset", "{}", "application/json").statusCode())
        .isEqualTo(200);
    assertThat(awaitSubject(id, "健康保険組合が認証方法をリセットしました").body()).contains("認証方法をもう一度設定");
  }

  /** The member's own replacement of the password the insurer set (the must-change page) is told too. */
  @Test
  void thePasswordChangeAfterTheInsurersResetIsTold() {
    String id = gateway.admin().newMember("mst");
    SignedIn.Factor hotp = SignedIn.setUp(gateway, id, "hotp");
    assertThat(gateway.admin().call("POST", "/members/" + id + "/password", "{\"password\":\"Kx9mvR2pqLwz\"}",
        "application/json").statusCode()).isEqualTo(200);
    WebClientSession member = gateway.client();
    member.login(id, "Kx9mvR2pqLwz");
    assertThat(hotp.pass(member).statusCode()).isEqualTo(303);
    member.get("/sekisho/password/change");
    assertThat(member.post("/sekisho/password/change", Map.of("password", "Tq7wLm3zRv8n", "password_confirm", "Tq7wLm3zRv8n"))
        .statusCode()).isEqualTo(303);
    assertThat(awaitSubject(id, "パスワードが変更されました").body()).contains("IPアドレス: " + member.clientAddress());
  }

  @Test
  void aLockByWrongPasswordsIsToldOnceWithTheLastAttemptsBrowser() {
    String id = gateway.admin().newMember("lck");
    Sql.memberSetUp(id, "email");
    WebClientSession guesser = gateway.client();
    for (int i = 0; i < 3; i++) {
      guesser.login(id, "wrong-password-" + i);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(guesser.login(id, "still-guessing-" + i).statusCode()).as("locked").isEqualTo(429);
    }
    CaughtMail locked = awaitSubject(id, "アカウントが一時的にロックされました");
    assertThat(locked.body()).contains("IPアドレス: " + guesser.clientAddress()).contains("第三者がログインを試みている");
    assertThat(lockNotices(id)).as("one notice per lock").isEqualTo(1);
  }

  @Test
  void aSecondStepLockIsToldOnceToo() {
    String id = gateway.admin().newMember("otl");
    SignedIn.Factor totp = SignedIn.setUp(gateway, id, "totp");
    assertThat(totp).isNotNull();
    WebClientSession guesser = gateway.client();
    guesser.login(id, AdminClient.RULE_PASSWORD);
    guesser.get("/sekisho/verify/totp");
    for (int i = 0; i < 5; i++) {
      guesser.post("/sekisho/verify/totp", Map.of("code", "00000" + i));
    }
    assertThat(awaitSubject(id, "アカウントが一時的にロックされました").subject()).startsWith("【Portal】");
    assertThat(lockNotices(id)).as("one notice however many refused codes").isEqualTo(1);
  }

  /** A passkey added beside the member's methods, and one removed, on the passkeys page (each after a fresh check). */
  @Test
  void aPasskeyAddedAndOneRemovedOnThePasskeysPageAreTold() {
    String id = gateway.admin().newMember("pka");
    WebClientSession member = signedInWithPasskey(id);
    provePassword(member, "add-passkey");
    assertThat(SoftAuthenticator.addOn(member, gateway.baseUrl()).statusCode()).isEqualTo(200);
    assertThat(member.post("/sekisho/passkey/name", Map.of("name", "スマホ")).statusCode()).isEqualTo(303);
    CaughtMail added = awaitSubject(id, "認証方法が追加されました");
    assertThat(added.body()).contains("認証方法「パスキー」").contains("IPアドレス: " + member.clientAddress());

    provePassword(member, "manage-passkeys");
    member.get("/sekisho/account/passkeys");
    HttpResponse<String> removed = member.post("/sekisho/account/passkeys/" + passkeyIds(id).get(0) + "/remove", Map.of());
    assertThat(removed.statusCode()).isEqualTo(303);
    assertThat(awaitSubject(id, "認証方法が削除されました").body()).contains("認証方法「パスキー」")
        .contains("IPアドレス: " + member.clientAddress());
  }

  /** The insurer's removal of a member's passkeys: a reset when they were all the member had, else one method removed. */
  @Test
  void theInsurersRemovalOfPasskeysIsTold() {
    String only = gateway.admin().newMember("pko");
    SignedIn.setUp(gateway, only, "passkey");
    assertThat(gateway.admin().call("DELETE", "/members/" + only + "/passkeys", null, null).statusCode()).isEqualTo(200);
    assertThat(awaitSubject(only, "健康保険組合が認証方法をリセットしました").body()).contains("端末（ブラウザ）: 健康保険組合の担当者");

    String beside = gateway.admin().newMember("pkb");
    SignedIn.setUp(gateway, beside, "passkey");
    Sql.update("insert into member_method (member_id, method) select id, 'totp' from member where login_id = ?", beside);
    assertThat(gateway.admin().call("DELETE", "/members/" + beside + "/passkeys", null, null).statusCode()).isEqualTo(200);
    assertThat(awaitSubject(beside, "認証方法が削除されました").body()).contains("認証方法「パスキー」")
        .contains("端末（ブラウザ）: 健康保険組合の担当者");
  }

  @Test
  void aHardwareTokenAssignedOrTakenByTheInsurerIsTold() {
    String id = gateway.admin().newMember("htk");
    SignedIn.setUp(gateway, id, "hotp");
    assertThat(awaitSubject(id, "認証方法が追加されました").body()).contains("認証方法「ハードウェアトークン」")
        .contains("端末（ブラウザ）: 健康保険組合の担当者");
    assertThat(gateway.admin().call("DELETE", "/members/" + id + "/hotp", null, null).statusCode()).isEqualTo(200);
    assertThat(awaitSubject(id, "認証方法が削除されました").body()).contains("認証方法「ハードウェアトークン」");
  }

  /** A method removed on the account page (after the fresh check with the member's code) is told. */
  @Test
  void aMethodRemovedOnTheAccountPageIsTold() {
    String id = gateway.admin().newMember("amr");
    // A token's codes follow a counter, not the clock: the check cannot fall between two time steps.
    SignedIn.Factor token = SignedIn.setUp(gateway, id, "hotp");
    Sql.update("insert into member_method (member_id, method) select id, 'passkey' from member where login_id = ?", id);
    WebClientSession member = gateway.client();
    member.login(id, AdminClient.RULE_PASSWORD);
    token.pass(member);
    member.get("/sekisho/account/otp/prove?intent=remove-passkey");
    HttpResponse<String> removed = member.post("/sekisho/account/otp/prove", Map.of("intent", "remove-passkey", "code", token.code()));
    assertThat(removed.headers().firstValue("Location").orElse("")).contains("removed=passkey");
    assertThat(awaitSubject(id, "認証方法が削除されました").body()).contains("認証方法「パスキー」")
        .contains("IPアドレス: " + member.clientAddress());
  }

  /** The browser is told in the words of the account page's sessions list, in the mail's language. */
  @Test
  void theDeviceIsToldInWordsInTheMailsLanguage() {
    String id = gateway.admin().newMember("dvw");
    WebClientSession member = signedInWithPasskey(id);
    member.userAgent(CHROME_ON_WINDOWS);
    provePassword(member, "add-passkey");
    assertThat(SoftAuthenticator.addOn(member, gateway.baseUrl()).statusCode()).isEqualTo(200);
    assertThat(awaitSubject(id, "認証方法が追加されました").body()).contains("端末（ブラウザ）: Windows の Chrome")
        .doesNotContain("Mozilla/5.0");

    String english = gateway.admin().newMember("dve");
    SignedIn.Factor passkey = SignedIn.setUp(gateway, english, "passkey");
    WebClientSession browser = gateway.client();
    browser.setCookie("sekisho.lang", "en");
    browser.userAgent(CHROME_ON_WINDOWS);
    browser.login(english, AdminClient.RULE_PASSWORD);
    passkey.pass(browser);
    provePassword(browser, "add-passkey");
    assertThat(SoftAuthenticator.addOn(browser, gateway.baseUrl()).statusCode()).isEqualTo(200);
    assertThat(awaitSubject(english, "A sign-in method was added").body()).contains("Device (browser): Chrome on Windows");
  }

  private static final String CHROME_ON_WINDOWS =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

  private static WebClientSession signedInWithPasskey(String id) {
    SignedIn.Factor passkey = SignedIn.setUp(gateway, id, "passkey");
    WebClientSession member = gateway.client();
    assertThat(member.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    passkey.pass(member);
    return member;
  }

  /** The account page's fresh check of a member with passkeys only: the current password. */
  static void provePassword(WebClientSession member, String intent) {
    member.get("/sekisho/account/otp/prove?intent=" + intent);
    HttpResponse<String> proved = member.post("/sekisho/account/otp/prove", Map.of("intent", intent, "password", AdminClient.RULE_PASSWORD));
    assertThat(proved.headers().firstValue("Location")).as("fresh check").contains("/sekisho/account/passkeys");
  }

  private static List<Object> passkeyIds(String id) {
    return Sql.query("select p.id from passkey p join member m on m.id = p.member_id where m.login_id = ? order by p.id", id)
        .stream().map(row -> row.values().iterator().next()).toList();
  }

  private static long lockNotices(String id) {
    return Sql.count("select count(*) from mail_outbox o join member m on m.id = o.member_id "
        + "where m.login_id = ? and o.kind = 'notice-account-locked'", id);
  }

  private static CaughtMail awaitSubject(String id, String subjectPart) {
    return Mailboxes.awaitSubject(id + "@example.jp", subjectPart, Mailboxes.of(gateway));
  }
}
