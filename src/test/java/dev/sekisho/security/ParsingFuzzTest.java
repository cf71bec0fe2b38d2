package dev.sekisho.security;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sekisho.member.ImportRejected;
import dev.sekisho.member.MemberCsv;
import dev.sekisho.member.MemberRow;
import dev.sekisho.web.AcceptLanguage;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.impl.HttpUtils;
import io.vertx.core.internal.net.RFC3986;
import org.junit.jupiter.api.Tag;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the pure parsing behind every request and the member file,
 * beside the random end-to-end suite {@link BadInputFuzzTest} (issue 12 item 5: the outside review
 * found 500s in exactly these parsers). In a normal {@code mvn test} each method replays its corpus,
 * {@code src/test/resources/dev/sekisho/security/ParsingFuzzTestInputs/<method>/}, as regression
 * tests; with {@code JAZZER_FUZZ=1} Jazzer mutates inputs guided by coverage and writes any crashing
 * input there (commit it: it then runs on every build). The invariant in each: the parser either
 * answers, or fails the one way the gateway turns into a 4xx. Tagged "fuzz": the pom runs it in a
 * JVM of its own (Jazzer's agent hooks the classes it instruments).
 */
@Tag("fuzz")
class ParsingFuzzTest {

  /** Accept-Language: never throws; every tag read is a well-formed language range. */
  @FuzzTest(maxDuration = "60s")
  void acceptLanguage(FuzzedDataProvider data) {
    List<String> tags = AcceptLanguage.tags(data.consumeRemainingAsString());
    assertThat(tags).allMatch(tag -> tag.equals("*") || tag.matches("[a-z]{1,8}(-[a-z0-9]{1,8})*"));
  }

  /**
   * A request target as the router reads it: the normalised path and the query parameters (the
   * decoders behind {@code RoutingContext.normalizedPath()}, {@code queryParams()} and
   * {@code request.params()}). The only failure allowed is IllegalArgumentException, which
   * {@code web/MalformedPaths} answers with a 400.
   */
  @FuzzTest(maxDuration = "60s")
  void requestTarget(FuzzedDataProvider data) {
    String path = "/" + data.consumeString(200);
    String query = data.consumeRemainingAsString();
    String uri = path + "?" + query;
    try {
      RFC3986.normalizePath(path);
    } catch (IllegalArgumentException refusedWith400) {
      // MalformedPaths
    }
    try {
      new QueryStringDecoder(uri).parameters();
      HttpUtils.params(uri, StandardCharsets.UTF_8, false);
    } catch (IllegalArgumentException refusedWith400) {
      // MalformedPaths
    }
  }

  /**
   * A form body as the pages read it (application/x-www-form-urlencoded, decoded like a query).
   * The only failure allowed is IllegalArgumentException, which BodyHandler answers with a 400.
   */
  @FuzzTest(maxDuration = "60s")
  void formBody(FuzzedDataProvider data) {
    try {
      new QueryStringDecoder(data.consumeRemainingAsString(), StandardCharsets.UTF_8, false).parameters();
    } catch (IllegalArgumentException refusedWith400) {
      // BodyHandler
    }
  }

  /** The member file: valid rows, or ImportRejected with at least one problem (422). Nothing else. */
  @FuzzTest(maxDuration = "120s")
  void memberFile(FuzzedDataProvider data) {
    boolean validHeader = data.consumeBoolean();
    String text = (validHeader ? "user_id,symbol,number,birthdate,name,email,password\n" : "")
        + data.consumeRemainingAsString();
    try {
      List<MemberRow> rows = MemberCsv.parse(new StringReader(text));
      assertThat(rows).isNotEmpty().hasSizeLessThanOrEqualTo(MemberCsv.MAX_ROWS);
    } catch (ImportRejected rejected) {
      assertThat(rejected.problems()).isNotEmpty();
      // No exception class name in a reason, unless the file itself holds the word (a reason may
      // quote an unknown column name back to the admin).
      if (!text.contains("Exception")) {
        assertThat(rejected.problems()).allSatisfy(p -> assertThat(p.reason()).doesNotContain("Exception"));
      }
    }
  }
}
