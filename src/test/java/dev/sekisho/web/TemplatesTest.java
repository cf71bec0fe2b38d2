package dev.sekisho.web;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TemplatesTest {

  /** `java -jar` from any directory: with no ./webroot the pages come from the jar. */
  @Test
  void rendersFromTheClasspathWhenThereIsNoLocalWebroot() {
    Templates templates = Templates.load(Path.of("no-such-dir"), List.of("error"));
    String html = templates.render("error", new JsonObject().put("message", "<b>x</b>")
        .put("t", new JsonObject().put("app", new JsonObject().put("name", "ポータル"))));
    assertThat(html).contains("ポータル").contains("&lt;b&gt;x&lt;/b&gt;").doesNotContain("<b>x</b>");
  }
}
