package dev.sekisho.testing;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Brings a browser through the whole journey: a member with a method set up, ID + password, second factor. */
public final class SignedIn {
  private SignedIn() {}

  /** A new member, signed in completely with the method; returns the member's user ID. */
  public static String member(TestGateway gateway, JourneyFinisher finisher, WebClientSession browser, String method) {
    String id = gateway.admin().newMember("gw");
    complete(finisher, browser, id, method);
    return id;
  }

  /** Logs the member in and finishes the journey; returns the answer of the last step (a redirect). */
  public static HttpResponse<String> complete(JourneyFinisher finisher, WebClientSession browser, String id, String method) {
    Sql.memberSetUp(id, method);
    HttpResponse<String> login = browser.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.statusCode()).as("login").isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/verify");
    HttpResponse<String> finished = browser.get(finisher.finishUrl(method));
    assertThat(finished.statusCode()).as("finish: " + finished.body()).isEqualTo(303);
    return finished;
  }
}
