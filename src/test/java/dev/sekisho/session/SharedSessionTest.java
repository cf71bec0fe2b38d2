package dev.sekisho.session;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.TestDatabase;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions live in PostgreSQL: they survive a restart and every gateway process sees the same ones. */
class SharedSessionTest {

  @Test
  void aSessionSurvivesAGatewayRestart() {
    WebClientSession browser;
    String cookie;
    try (TestGateway first = TestGateway.start()) {
      String id = first.admin().newMember("restart");
      browser = first.client();
      assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      cookie = browser.cookie("sekisho.sid");
    }
    try (TestGateway second = TestGateway.start()) {
      WebClientSession again = second.client();
      again.setCookie("sekisho.sid", cookie);
      assertThat(again.get("/sekisho/home").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSessionCreatedOnOneProcessIsValidOnAnotherAndLogoutEndsItOnBoth() {
    try (TestGateway a = TestGateway.start(); TestGateway b = TestGateway.start()) {
      String id = a.admin().newMember("twin");
      WebClientSession onA = a.client();
      assertThat(onA.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      WebClientSession onB = onA.sameBrowserAt(b.baseUrl());
      assertThat(onB.get("/sekisho/home").body()).contains(id);
      onB.post("/sekisho/logout", Map.of());
      assertThat(onA.get("/sekisho/home").statusCode()).as("logged out on B, refused on A").isEqualTo(303);
    }
  }

  @Test
  void sessionIdsAreStoredOnlyAsHashes() {
    try (TestGateway gateway = TestGateway.start()) {
      String id = gateway.admin().newMember("hash");
      WebClientSession browser = gateway.client();
      browser.login(id, AdminClient.RULE_PASSWORD);
      String cookie = browser.cookie("sekisho.sid");
      assertThat(TestDatabase.queryLong("select count(*) from http_session where encode(id_hash, 'escape') like ?",
          "%" + cookie + "%")).isZero();
      assertThat(TestDatabase.queryLong("select count(*) from http_session where id_hash = sha256(convert_to(?, 'UTF8'))",
          cookie)).isEqualTo(1);
    }
  }

  @Test
  void anIdleSessionExpires() {
    try (TestGateway gateway = TestGateway.start(Map.of("session.idleMinutes", "1"))) {
      String id = gateway.admin().newMember("idle");
      WebClientSession browser = gateway.client();
      browser.login(id, AdminClient.RULE_PASSWORD);
      String cookie = browser.cookie("sekisho.sid");
      // Age the stored session past its idle limit instead of waiting a minute.
      TestDatabase.execute("update http_session set expires_at = now() - interval '1 second' "
          + "where id_hash = sha256(convert_to(?, 'UTF8'))", cookie);
      assertThat(browser.get("/sekisho/home").statusCode()).isEqualTo(303);
    }
  }

  @Test
  void aSessionOlderThanTheAbsoluteLimitIsRefused() {
    try (TestGateway gateway = TestGateway.start(Map.of("session.absoluteHours", "1"))) {
      String id = gateway.admin().newMember("absolute");
      WebClientSession browser = gateway.client();
      browser.login(id, AdminClient.RULE_PASSWORD);
      TestDatabase.execute("update http_session set created_at = now() - interval '61 minutes' "
          + "where id_hash = sha256(convert_to(?, 'UTF8'))", browser.cookie("sekisho.sid"));
      assertThat(browser.get("/sekisho/home").statusCode()).isEqualTo(303);
    }
  }
}
