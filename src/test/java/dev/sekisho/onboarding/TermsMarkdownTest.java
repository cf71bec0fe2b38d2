package dev.sekisho.onboarding;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 17 item 7: the terms page shows rendered Markdown, and the file cannot inject markup. */
class TermsMarkdownTest {

  @Test
  void headingsAndListsAreRenderedAndLineBreaksKept() {
    String html = TermsMarkdown.toHtml("# 会員ポータル 利用規約（第1版）\n\n第1条（目的）\nこの規約は…\n\n1. 一つ目\n2. 二つ目\n");
    assertThat(html).contains("<h1>会員ポータル 利用規約（第1版）</h1>").doesNotContain("# 会員")
        .contains("第1条（目的）<br>\nこの規約は…").contains("<ol>").contains("<li>一つ目</li>");
  }

  @Test
  void rawHtmlAndScriptLinksAreNeutralised() {
    String html = TermsMarkdown.toHtml("<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>\n");
    assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("javascript:")
        .contains("&lt;script&gt;");
  }

  @Test
  void theShippedTermsRenderWithoutMarkdownMarks() throws Exception {
    OnboardingTexts texts = OnboardingTexts.load("v1", java.util.List.of("ja", "en"));
    assertThat(texts.terms("ja")).startsWith("<h1>").doesNotContain("# ");
    assertThat(texts.terms("en")).startsWith("<h1>");
  }
}
