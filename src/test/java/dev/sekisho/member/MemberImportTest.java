package dev.sekisho.member;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestDatabase;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Bulk import through the admin API and the command line, against the real database. */
class MemberImportTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static AdminClient admin;

  @BeforeAll
  static void start() {
    admin = gateway.admin();
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void importsThenReimportUpdatesWithoutDuplicates() {
    String a = "imp-a-" + unique();
    String b = "imp-b-" + unique();
    String csv = "user_id,symbol,number,birthdate,name,email,password\n"
        + a + ",12,3456,1980-04-01,山田 一郎," + a + "@example.jp,\n"
        + b + ",34,7890,1975-12-31,佐藤 花子," + b + "@example.jp,Issued-Pass-2024\n";
    HttpResponse<String> first = admin.importCsv(csv);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(first.body()).getInteger("inserted")).isEqualTo(2);
    assertThat(admin.member(a).getBoolean("passwordMustChange")).isTrue();

    WebClientSession browser = gateway.client();
    assertThat(browser.login(a, "12345619800401").statusCode()).isEqualTo(303);
    assertThat(gateway.client().login(b, "Issued-Pass-2024").statusCode()).isEqualTo(303);

    HttpResponse<String> again = admin.importCsv(csv.replace("山田 一郎", "山田 一朗"));
    JsonObject report = new JsonObject(again.body());
    assertThat(report.getInteger("inserted")).isZero();
    assertThat(report.getInteger("updated")).isEqualTo(2);
    assertThat(admin.member(a).getString("name")).isEqualTo("山田 一朗");
    assertThat(count("select count(*) from member where login_id in ('" + a + "','" + b + "')")).isEqualTo(2);
  }

  @Test
  void aMalformedFileLoadsNothingAndNamesEveryBadLine() {
    String good = "imp-good-" + unique();
    HttpResponse<String> response = admin.importCsv("user_id,symbol,number,birthdate,name,email\n"
        + good + ",12,3456,1980-04-01,A,a@example.jp\n"
        + "imp-bad-" + unique() + ",12,3456,1980-13-01,B,b@example.jp\n"
        + "imp-bad2-" + unique() + ",12,3456,1980-01-01,C,@nope\n");
    assertThat(response.statusCode()).isEqualTo(422);
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("import_rejected");
    assertThat(error.getJsonArray("problems").stream().map(p -> ((JsonObject) p).getInteger("line")).toList())
        .containsExactly(3, 4);
    assertThat(admin.member(good)).isNull();
  }

  @Test
  void refusesNonUtf8AndAnyCallWithoutTheToken() {
    byte[] latin1 = "user_id,symbol,number,birthdate,name,email\nx,12,3456,1980-01-01,Jos\u00e9,j@example.jp\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    HttpResponse<String> response = gateway.client().send(gateway.client()
        .request("/sekisho/admin/api/members/import")
        .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN)
        .header("Content-Type", "text/csv")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(latin1)).build());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("not_utf8");

    HttpResponse<String> anonymous = gateway.client().postRaw("/sekisho/admin/api/members/import", "x", "text/csv");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = gateway.client().send(gateway.client().request("/sekisho/admin/api/locks")
        .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN + "x").GET().build());
    assertThat(wrong.statusCode()).isEqualTo(401);
  }

  @Test
  void aMemberIdWithSqlMetacharactersAndUnicodeIsStoredAndLogsIn() {
    String id = "o'reilly;--\"漢字" + unique();
    String csv = "user_id,symbol,number,birthdate,name,email\n\"" + id.replace("\"", "\"\"") + "\",12,3456,1980-04-01,\"Robert'); DROP TABLE member;--\",r@example.jp\n";
    assertThat(admin.importCsv(csv).statusCode()).isEqualTo(200);
    assertThat(admin.member(id).getString("name")).isEqualTo("Robert'); DROP TABLE member;--");
    assertThat(gateway.client().login(id, "12345619800401").statusCode()).isEqualTo(303);
    assertThat(count("select count(*) from member")).isPositive();
  }

  @Test
  void theCommandLineImportsTheSameFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String id = "cli-" + unique();
    Path file = dir.resolve("members.csv");
    Files.writeString(file, "user_id,symbol,number,birthdate,name,email\n" + id + ",12,3456,1980-04-01,CLI 太郎," + id + "@example.jp\n");
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "user_id,symbol,number,birthdate,name,email\nx,12,3456,notadate,A,a@example.jp\n");

    ProcessResult ok = runCli("import-members", file.toString());
    assertThat(ok.status).as(ok.output).isZero();
    assertThat(ok.output).contains("Loaded 1 members: 1 new");
    assertThat(admin.member(id)).isNotNull();

    ProcessResult refused = runCli("import-members", bad.toString());
    assertThat(refused.status).isEqualTo(1);
    assertThat(refused.output).contains("line 2").contains("birthdate");
  }

  record ProcessResult(int status, String output) {
  }

  static ProcessResult runCli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.sekisho.launcher.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("SEKISHO_"));
    env.put("SEKISHO_DB_URL", TestDatabase.url());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return new ProcessResult(process.exitValue(), output);
  }

  static long count(String sql) {
    return Sql.count(sql);
  }
}
