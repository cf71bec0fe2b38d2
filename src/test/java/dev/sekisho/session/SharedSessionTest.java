package dev.sekisho.session;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestDatabase;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions live in PostgreSQL: they survive a restart and every gateway process sees the same ones. */
class SharedSessionTest {

  @Test
  void loginReplacesTheSessionIdAndTheOldIdIsGoneFromTheTable() throws Exception {
    try (TestGateway gateway = TestGateway.start()) {
      String id = gateway.admin().newMember("renew");
      WebClientSession browser = gateway.client();
      browser.get("/sekisho/login");
      String before = browser.cookie("sekisho.sid");
      assertThat(before).isNotNull();
      assertThat(Sql.count("select count(*) from http_session where id_hash = ?", sha256(before))).isEqualTo(1);
      assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      String after = browser.cookie("sekisho.sid");
      assertThat(after).isNotEqualTo(before);
      // The old id is deleted in the same statement that writes the new one.
      assertThat(Sql.count("select count(*) from http_session where id_hash = ?", sha256(before))).isZero();
      assertThat(Sql.count("select count(*) from http_session where id_hash = ?", sha256(after))).isEqualTo(1);
      WebClientSession stale = gateway.client();
      stale.setCookie("sekisho.sid", before);
      assertThat(stale.get("/sekisho/home").statusCode()).isNotEqualTo(200);
    }
  }

  private static byte[] sha256(String id) throws Exception {
    return java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

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
      assertThat(Sql.count("select count(*) from http_session where encode(id_hash, 'escape') like ?",
          "%" + cookie + "%")).isZero();
      assertThat(Sql.count("select count(*) from http_session where id_hash = sha256(convert_to(?, 'UTF8'))",
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
      Sql.update("update http_session set expires_at = now() - interval '1 second' "
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
      Sql.update("update http_session set created_at = now() - interval '61 minutes' "
          + "where id_hash = sha256(convert_to(?, 'UTF8'))", browser.cookie("sekisho.sid"));
      assertThat(browser.get("/sekisho/home").statusCode()).isEqualTo(303);
    }
  }
}
