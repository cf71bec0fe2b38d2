package dev.sekisho.onboarding;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

import static dev.sekisho.onboarding.OnboardingSteps.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway processes sharing only PostgreSQL: the link opened through one moves the waiting
 * page served by the other (LISTEN/NOTIFY to server-sent events), and the resend cooldown holds
 * across both.
 */
class TwoGatewaysTest {
  static TestGateway first;
  static TestGateway second;

  @BeforeAll
  static void start() {
    Map<String, String> config = Map.of("onboarding.resendCooldownSeconds", "600", "mail.pollMillis", "200");
    first = TestGateway.start(config);
    second = TestGateway.start(config);
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  @Test
  void linkConfirmedOnOneGatewayMovesTheWaitingPageOnTheOther() throws Exception {
    AdminClient admin = first.admin();
    String id = admin.newMember("two");
    WebClientSession onFirst = first.client();
    login(onFirst, id, AdminClient.RULE_PASSWORD, "/sekisho/onboarding/birthdate");
    birthdate(onFirst);
    terms(onFirst);
    sendMail(onFirst, null);
    String link = confirmLink(id + "@example.jp", 1, Mailboxes.of(first), Mailboxes.of(second));

    // The same browser's waiting page, served by the second gateway, listens for the event.
    WebClientSession onSecond = onFirst.sameBrowserAt(second.baseUrl());
    assertThat(onSecond.get("/sekisho/onboarding/wait").statusCode()).isEqualTo(200);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest events = HttpRequest.newBuilder(URI.create(second.baseUrl() + "/sekisho/onboarding/wait/events"))
        .header("Cookie", "sekisho.sid=" + onFirst.cookie("sekisho.sid"))
        .header("Accept", "text/event-stream")
        .timeout(Duration.ofSeconds(60)).GET().build();
    HttpResponse<Stream<String>> stream = http.send(events, HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    Iterator<String> lines = stream.body().iterator();
    // The stream is subscribed once it says it is waiting.
    assertThat(lines.next()).isEqualTo(": waiting");

    // The link is opened on a phone, through the first gateway.
    assertThat(openLink(first.baseUrl(), link).statusCode()).isEqualTo(200);

    String event = null;
    String data = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data = line.substring(6);
        break;
      }
    }
    assertThat(event).isEqualTo("confirmed");
    assertThat(new JsonObject(data).getString("next")).isEqualTo("/sekisho/onboarding/method");
    assertThat(new JsonObject(onSecond.get("/sekisho/onboarding/wait/status").body()).getBoolean("confirmed")).isTrue();
    // A stream opened after the confirmation answers at once.
    HttpResponse<String> late = http.send(events, HttpResponse.BodyHandlers.ofString());
    assertThat(late.body()).contains("event: confirmed");
  }

  @Test
  void resendHasACooldownAcrossGateways() {
    AdminClient admin = first.admin();
    String id = admin.newMember("cool");
    WebClientSession onFirst = first.client();
    login(onFirst, id, AdminClient.RULE_PASSWORD, "/sekisho/onboarding/birthdate");
    birthdate(onFirst);
    terms(onFirst);
    sendMail(onFirst, null);
    WebClientSession onSecond = onFirst.sameBrowserAt(second.baseUrl());
    onSecond.get("/sekisho/onboarding/wait");
    HttpResponse<String> again = onSecond.post("/sekisho/onboarding/wait/resend", Map.of());
    assertThat(again.statusCode()).isEqualTo(429);
    assertThat(again.body()).contains("再送信は少し時間をおいてから");
    Mailboxes.await(id + "@example.jp", 1, Mailboxes.of(first), Mailboxes.of(second));
    assertThat(Mailboxes.count(id + "@example.jp", Mailboxes.of(first), Mailboxes.of(second))).isEqualTo(1);
  }
}
