package dev.sekisho.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Normalisation attacks on per-path rules: every spelling of a denied path that a portal could
 * serve as that path is matched as it, and what cannot be read one way only is refused.
 */
class PathNormalizerTest {
  static final AccessRules RULES = new AccessRules(List.of(
      AccessRule.of(null, "prefix", "/admin", "deny"),
      AccessRule.of(null, "exact", "/robots.txt", "public"),
      AccessRule.of(null, "glob", "/assets/**/*.css", "public"),
      AccessRule.of("intranet.example.jp", "prefix", "/", "deny"),
      AccessRule.of(null, "prefix", "/static/", "public")));

  @ParameterizedTest
  @ValueSource(strings = {"/admin", "/admin/", "/admin/users", "/ADMIN/users", "/Admin", "//admin", "///admin//users",
      "/./admin", "/static/../admin", "/static/./../../admin/x", "/x/y/../../admin", "/%61dmin", "/%41DMIN/x",
      "/admin;jsessionid=1", "/admin;x=1/users", "/static/..;/admin", "/static;/../admin", "/static/%2e%2e/admin",
      "/static/%2E%2E/admin", "/static/.%2e/admin", "/..;/admin", "/../admin"})
  void everySpellingOfADeniedPathIsDenied(String path) {
    AccessRules.Decision decision = RULES.decide("portal.example.jp", path);
    assertThat(decision.malformed() || decision.action() == AccessRule.Action.DENY).as(path + " -> " + decision).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/static%2f..%2fadmin", "/static%2F..%2Fadmin", "/static/..%2fadmin", "/static\\..\\admin",
      "/static/%5c../admin", "/static/%252e%252e/admin", "/admin%00.css", "/static/%zz", "/static/%", "/static/%e3%81",
      "relative", "", "/static/\u0001"})
  void ambiguousPathsAreRefused(String path) {
    assertThat(PathNormalizer.normalize(path)).as(path).isNull();
    assertThat(RULES.decide("portal.example.jp", path).malformed()).isTrue();
  }

  @Test
  void publicPathsMatchOnlyWhatTheySay() {
    assertThat(RULES.decide("portal.example.jp", "/robots.txt").action()).isEqualTo(AccessRule.Action.PUBLIC);
    assertThat(RULES.decide("portal.example.jp", "/ROBOTS.TXT").action()).isEqualTo(AccessRule.Action.PUBLIC);
    assertThat(RULES.decide("portal.example.jp", "/robots.txt/../account").action()).isEqualTo(AccessRule.Action.MEMBER);
    assertThat(RULES.decide("portal.example.jp", "/robots.txt.bak").action()).isEqualTo(AccessRule.Action.MEMBER);
    assertThat(RULES.decide("portal.example.jp", "/assets/app/site.css").action()).isEqualTo(AccessRule.Action.PUBLIC);
    assertThat(RULES.decide("portal.example.jp", "/assets/site.css.map").action()).isEqualTo(AccessRule.Action.MEMBER);
    assertThat(RULES.decide("portal.example.jp", "/assets/../account/site.css").action()).isEqualTo(AccessRule.Action.MEMBER);
    assertThat(RULES.decide("portal.example.jp", "/static/app.js").action()).isEqualTo(AccessRule.Action.PUBLIC);
    assertThat(RULES.decide("portal.example.jp", "/staticfile").action()).isEqualTo(AccessRule.Action.MEMBER);
    assertThat(RULES.decide("portal.example.jp", "/account").action()).isEqualTo(AccessRule.Action.MEMBER);
  }

  @Test
  void rulesByHostApplyToThatHostOnlyWhateverItsCaseOrPort() {
    assertThat(RULES.decide("INTRANET.example.jp:8443", "/robots.txt").action()).isEqualTo(AccessRule.Action.PUBLIC);
    assertThat(RULES.decide("intranet.example.jp", "/account").action()).isEqualTo(AccessRule.Action.DENY);
    assertThat(RULES.decide("Intranet.Example.JP:443", "/account").action()).isEqualTo(AccessRule.Action.DENY);
    assertThat(RULES.decide("portal.example.jp", "/account").action()).isEqualTo(AccessRule.Action.MEMBER);
  }

  @Test
  void normalisedFormsAreLowerCaseWithoutDotsDoubleSlashesOrParameters() {
    assertThat(PathNormalizer.normalize("/A//b/./c/../D;v=1/")).isEqualTo("/a/b/d/");
    assertThat(PathNormalizer.normalize("/../../")).isEqualTo("/");
    assertThat(PathNormalizer.normalize("/%e3%81%82")).isEqualTo("/\u3042");
  }

  @Test
  void badRulesAreRefusedWithASentence() {
    assertThatThrownBy(() -> AccessRule.of(null, "prefix", "/sekisho/", "public")).hasMessageContaining("/sekisho");
    assertThatThrownBy(() -> AccessRule.of(null, "regex", "/x", "public")).hasMessageContaining("exact, prefix or glob");
    assertThatThrownBy(() -> AccessRule.of(null, "exact", "/x", "allow")).hasMessageContaining("public, member or deny");
    assertThatThrownBy(() -> AccessRule.of(null, "exact", "x", "deny")).hasMessageContaining("must start with /");
  }
}
