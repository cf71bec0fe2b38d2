package dev.sekisho.onboarding;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The terms of use are written in Markdown (webroot/terms); the page shows them as HTML, rendered
 * once at start-up by commonmark-java. Raw HTML in the file is escaped, not passed through, and
 * link targets are sanitised (no javascript: URLs): the terms file cannot inject markup into the
 * page. A line break inside a paragraph stays a line break, as the article layout of the terms
 * (title line, then its text) expects.
 */
final class TermsMarkdown {
  private static final Parser PARSER = Parser.builder().build();
  private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
      .escapeHtml(true)
      .sanitizeUrls(true)
      .softbreak("<br>\n")
      .build();

  private TermsMarkdown() {}

  static String toHtml(String markdown) {
    return RENDERER.render(PARSER.parse(markdown));
  }
}
