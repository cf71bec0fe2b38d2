package dev.sekisho.admin;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.web.GatewayRouter;
import dev.sekisho.web.Paths;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's description (src/main/resources/openapi/admin-api.json) and the gateway cannot
 * drift: every admin route the router mounts is described and every described call is mounted;
 * every described call, made with the description's own examples through a staff member's token,
 * answers a described status with a body that matches the described schema, and is audited under
 * its described kind naming the staff member.
 */
class AdminApiDescriptionTest {
  private static final String DESCRIPTION = "src/main/resources/" + AdminApiDescription.RESOURCE;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static Vertx vertx;
  static AdminApiDescription description;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    description = AdminApiDescription.load(vertx).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @Test
  void theDescriptionIsServedWithoutAToken() throws Exception {
    HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(gateway.baseUrl() + AdminApiGate.DOCUMENT)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonObject document = new JsonObject(served.body());
    assertThat(document.getString("openapi")).startsWith("3.1");
    assertThat(document.getJsonObject("components").getJsonObject("securitySchemes").fieldNames())
        .containsExactlyInAnyOrder("bootstrapToken", "staffToken");
  }

  @Test
  void aRequestThatDoesNotMatchTheDescriptionIsRefusedClearlyAndChangesNothing() {
    AdminClient admin = gateway.admin();
    String member = admin.newMember("gate");
    Object hash = Sql.value("select password_hash from member where login_id = ?", member);
    // A misspelt field used to read as "no password": the member's password was reset to the issued rule.
    HttpResponse<String> typo = admin.call("POST", "/members/" + member + "/password", "{\"pasword\":\"a-new-secret-2026\"}",
        "application/json");
    assertThat(typo.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(typo.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("bad_pasword");
    assertThat(error.getString("message")).contains("pasword is not a field of this call").contains(AdminApiGate.DOCUMENT);
    assertThat(error.getJsonArray("problems")).isNotEmpty();
    assertThat(Sql.value("select password_hash from member where login_id = ?", member)).isEqualTo(hash);
    assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.password_reset' and outcome = 'bad_pasword'"
        + " and login_id = ?", member)).isOne();

    HttpResponse<String> form = admin.call("POST", "/members/" + member + "/setup-deadline", "days=5",
        "application/x-www-form-urlencoded");
    assertThat(form.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(form.body()).getJsonObject("error").getString("code")).isEqualTo("bad_content_type");
    HttpResponse<String> extra = admin.call("PUT", "/members/" + member + "/hotp", new JsonObject().put("serial", "SN-x")
        .put("secretHex", "3132333435363738393031323334353637383930").put("colour", "red").encode(), "application/json");
    assertThat(new JsonObject(extra.body()).getJsonObject("error").getString("code")).isEqualTo("bad_colour");
    assertThat(Sql.count("select count(*) from otp_hotp where serial = 'SN-x'")).isZero();
    assertThat(new JsonObject(admin.call("GET", "/members?size=many", null, null).body()).getJsonObject("error")
        .getString("code")).isEqualTo("bad_size");
    // Values are decoded once: a search for "100%" is a search, not a decoding error.
    assertThat(admin.call("GET", "/members?name=100%25", null, null).statusCode()).isEqualTo(200);
    // Text is text: not read as JSON first (a name "-5" was a number, a user ID with '"' undecodable).
    assertThat(admin.call("GET", "/members?name=-5", null, null).statusCode()).isEqualTo(200);
    assertThat(admin.call("GET", "/members?name=%22", null, null).statusCode()).isEqualTo(200);
    assertThat(admin.call("GET", "/members/1.5%22x", null, null).statusCode()).isEqualTo(404);
    // A call the description does not have is not found, whatever route might have taken it.
    HttpResponse<String> unknown = admin.call("POST", "/members/" + member + "/teleport", "{}", "application/json");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("not_found").contains(AdminApiGate.DOCUMENT);
    // The token still comes first: no description of what is wrong for a caller without one.
    assertThat(AdminClient.withToken(gateway.baseUrl(), "wrong").call("GET", "/members?size=many", null, null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void everyAdminRouteIsDescribedAndEveryDescribedCallIsMounted() {
    JsonArray routes = (JsonArray) gateway.vertx().sharedData().getLocalMap(GatewayRouter.ROUTES_MAP).get("routes");
    Set<String> mounted = new TreeSet<>();
    for (Object r : routes) {
      JsonObject route = (JsonObject) r;
      String path = route.getString("path");
      // Routes for any method (the token check, body readers, the catch-all) are no calls of their own.
      if (!path.startsWith(Paths.ADMIN_API + "/") || route.getJsonArray("methods").isEmpty()) {
        continue;
      }
      // As the description writes it: relative to its server (/sekisho/admin/api), {name} for :name.
      String template = path.substring(Paths.ADMIN_API.length()).replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      route.getJsonArray("methods").forEach(method -> mounted.add(method + " " + template));
    }
    Set<String> described = new TreeSet<>();
    description.contract().operations()
        .forEach(op -> described.add(op.getHttpMethod().name() + " " + op.getOpenAPIPath()));

    List<String> undescribed = mounted.stream().filter(call -> !described.contains(call)).toList();
    List<String> unmounted = described.stream().filter(call -> !mounted.contains(call)).toList();
    assertThat(undescribed).as("admin calls the router mounts but %s does not describe (add each to its \"paths\","
        + " with an operationId, x-sekisho-audit, parameters, body and responses, or the gateway answers them 404): %s",
        DESCRIPTION, undescribed).isEmpty();
    assertThat(unmounted).as("calls %s describes but no route answers: %s", DESCRIPTION, unmounted).isEmpty();
  }

  @Test
  void everyDescribedCallAnswersAsDescribedAndIsAuditedNamingTheStaffMember() throws Exception {
    String staff = "walk-" + UUID.randomUUID().toString().substring(0, 8);
    String token = adminWithToken(staff, "walk");
    String member = gateway.admin().newMember("walk");
    // Waiting to set up the chosen method, so that the deadline can be extended too.
    Sql.update("update member set onboarding_state = 'onboarded', setup_deadline = now() + interval '1 day' where login_id = ?",
        member);
    AdminClient asStaff = AdminClient.withToken(gateway.baseUrl(), token);
    ResponseValidator responses = ResponseValidator.create(vertx, description.contract());
    List<String> problems = new ArrayList<>();

    JsonObject paths = new JsonObject(description.document()).getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject operation) || method.equals("parameters")) {
          continue;
        }
        String call = method.toUpperCase() + " " + path;
        String kind = operation.getString(AdminApiDescription.AUDIT_KIND);
        long auditedBefore = kind == null ? 0 : audited(kind, staff);
        Request request = request(path, item, operation, member, call);
        HttpResponse<String> answer = asStaff.call(method.toUpperCase(), request.path(), request.body(), request.contentType());
        int status = answer.statusCode();
        if (!operation.getJsonObject("responses").containsKey(String.valueOf(status))) {
          problems.add(call + ": answered " + status + ", which it does not describe: " + answer.body());
          continue;
        }
        if (status >= 300) {
          problems.add(call + ": its own example was refused (" + status + " " + answer.body() + ")");
        }
        try {
          responses.validate(ValidatableResponse.create(status, Buffer.buffer(answer.body()),
              mediaType(answer)), operation.getString("operationId"))
              .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          problems.add(call + ": the " + status + " answer does not match its described schema: "
              + (e.getCause() == null ? e : e.getCause()).getMessage() + " in " + answer.body());
        }
        if (kind != null && audited(kind, staff) <= auditedBefore) {
          problems.add(call + ": no audit event " + kind + " naming the staff member (detail.staff)");
        }
      }
    }
    assertThat(problems).as("described calls against the running gateway (%s)", DESCRIPTION).isEmpty();
  }

  @Test
  void aCallItsRouteRefusesIsAuditedUnderItsKindWithTheErrorCode() throws Exception {
    String staff = "refuse-" + UUID.randomUUID().toString().substring(0, 8);
    String token = adminWithToken(staff, "refu");
    AdminClient asStaff = AdminClient.withToken(gateway.baseUrl(), token);
    String unknown = "nobody-" + UUID.randomUUID().toString().substring(0, 8);

    // Past the description's checks, refused by the routes themselves: no such member, a number out of range.
    HttpResponse<String> noMember = asStaff.call("POST", "/members/" + unknown + "/hotp",
        "{\"serial\":\"T-1\",\"secret\":\"3132333435363738393031323334353637383930\",\"counter\":0}", "application/json");
    HttpResponse<String> noWait = asStaff.call("POST", "/members/" + unknown + "/setup-deadline", "{\"days\":7}",
        "application/json");

    assertThat(noMember.statusCode()).as(noMember.body()).isEqualTo(404);
    assertThat(noWait.statusCode()).as(noWait.body()).isEqualTo(404);
    assertThat(refusals("admin.hotp.assign", staff, unknown)).containsExactly("no_member/404");
    assertThat(refusals("admin.onboarding.deadline", staff, unknown)).containsExactly("not_waiting_for_setup/404");
  }

  /** Creates an admin staff member and an API token of theirs; returns the token. */
  private static String adminWithToken(String staff, String label) {
    String token = "skt_" + UUID.randomUUID().toString().replace("-", "") + label;
    Sql.update("insert into staff (id, name, role) values (?, ?, 'admin')", staff, "Staff " + label);
    Sql.update("insert into staff_token (staff_id, label, role, token_hash, expires_at) "
        + "values (?, ?, 'admin', sha256(convert_to(?, 'UTF8')), now() + interval '1 day')", staff, label, token);
    return token;
  }

  /** outcome/status of the audit events of a kind naming the staff member and the member's ID. */
  private static List<String> refusals(String kind, String staff, String loginId) throws Exception {
    // The event is written as the answer ends: wait for it briefly rather than race it.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> found = List.of();
    while (found.isEmpty() && System.nanoTime() < until) {
      found = Sql.query("select outcome || '/' || (detail->>'status') as refusal from audit_event where kind = ? "
          + "and login_id = ? and detail->>'staff' = ?", kind, loginId, staff).stream()
          .map(row -> String.valueOf(row.get("refusal"))).toList();
      if (found.isEmpty()) {
        Thread.sleep(50);
      }
    }
    return found;
  }

  /** The media type alone: the validator looks the described content up by it. */
  private static String mediaType(HttpResponse<String> answer) {
    return answer.headers().firstValue("Content-Type").map(type -> type.split(";")[0].trim()).orElse(null);
  }

  private static long audited(String kind, String staff) {
    return Sql.count("select count(*) from audit_event where kind = ? and detail->>'staff' = ? and detail->>'via' = 'api'",
        kind, staff);
  }

  private record Request(String path, String body, String contentType) {}

  /** A clean member file checked with dryRun=true (the bootstrap token): the id of a job waiting to start. */
  private static String checkedImport() {
    String id = "walkimp-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> checked = gateway.admin().call("POST", "/imports?dryRun=true",
        "user_id,symbol,number,birthdate,name,email\n" + id + ",12,3456,1980-04-01,見本 花子," + id + "@example.jp\n",
        "text/csv; charset=utf-8");
    assertThat(checked.statusCode()).as(checked.body()).isEqualTo(200);
    return String.valueOf(new JsonObject(checked.body()).getLong("id"));
  }

  /** The call made from the description: the test's member for {userId}, examples for the rest. */
  private static Request request(String template, JsonObject item, JsonObject operation, String member, String call) {
    String path = template.replace("{userId}", member);
    List<Object> parameters = new ArrayList<>(item.getJsonArray("parameters", new JsonArray()).getList());
    parameters.addAll(operation.getJsonArray("parameters", new JsonArray()).getList());
    for (Object p : parameters) {
      JsonObject parameter = p instanceof JsonObject o ? o : new JsonObject((java.util.Map<String, Object>) p);
      if (parameter.containsKey("$ref")) {
        continue; // the shared userId
      }
      if ("importId".equals(parameter.getString("name")) && path.contains("{importId}")) {
        // An import job of its own, checked and not started, so that starting it is the example's call.
        path = path.replace("{importId}", checkedImport());
        continue;
      }
      if ("path".equals(parameter.getString("in")) && path.contains("{" + parameter.getString("name") + "}")) {
        Object example = parameter.getValue("example");
        assertThat(example).as("%s: give the path parameter %s an example in %s", call, parameter.getString("name"), DESCRIPTION)
            .isNotNull();
        path = path.replace("{" + parameter.getString("name") + "}", String.valueOf(example));
      }
    }
    JsonObject body = operation.getJsonObject("requestBody");
    if (body == null) {
      return new Request(path, null, null);
    }
    String contentType = body.getJsonObject("content").fieldNames().iterator().next();
    Object example = body.getJsonObject("content").getJsonObject(contentType).getValue("example");
    assertThat(example != null || !body.getBoolean("required", false))
        .as("%s: give its request body an example in %s", call, DESCRIPTION).isTrue();
    if (example instanceof JsonObject json && json.containsKey("serial")) {
      // A token serial belongs to one member: each call assigns a serial of its own.
      example = json.copy().put("serial", "SN-" + UUID.randomUUID().toString().substring(0, 8));
    }
    if (example instanceof JsonObject json && json.containsKey("confirm")) {
      // A removal repeats the member's user ID (the description's last call: the member is gone after it).
      example = json.copy().put("confirm", member);
    }
    String text = example == null ? null : example instanceof String s ? s : ((JsonObject) example).encode();
    return new Request(path, text, text == null ? null : contentType);
  }
}
