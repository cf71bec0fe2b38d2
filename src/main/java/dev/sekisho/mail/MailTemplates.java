package dev.sekisho.mail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mail texts as files, webroot/mail/NAME.LANG.txt: the first line is "Subject: ...", then a blank
 * line, then the body. {placeholders} are replaced by the caller's values. Loaded once at
 * start-up (reading files would block an event loop); ./webroot wins over the jar's copy.
 */
public final class MailTemplates {
  private final Map<String, Template> templates;

  public record Template(String subject, String body) {
  }

  /** A rendered mail text. */
  public record Text(String subject, String body) {
  }

  private MailTemplates(Map<String, Template> templates) {
    this.templates = Map.copyOf(templates);
  }

  /** Blocking: reads every name in every language. */
  public static MailTemplates load(List<String> names, List<String> languages) throws IOException {
    Map<String, Template> out = new HashMap<>();
    for (String name : names) {
      for (String lang : languages) {
        String path = "webroot/mail/" + name + "." + lang + ".txt";
        String text = read(path).replace("\r\n", "\n");
        if (!text.startsWith("Subject: ") || !text.contains("\n\n")) {
          throw new IOException(path + " must start with 'Subject: ...' and a blank line");
        }
        int end = text.indexOf("\n\n");
        out.put(name + "." + lang, new Template(text.substring("Subject: ".length(), text.indexOf('\n')).trim(),
            text.substring(end + 2)));
      }
    }
    return new MailTemplates(out);
  }

  public Text render(String name, String lang, Map<String, String> values) {
    Template template = templates.getOrDefault(name + "." + lang, templates.get(name + ".ja"));
    if (template == null) {
      throw new IllegalArgumentException("mail template " + name + " was not loaded at start-up");
    }
    return new Text(fill(template.subject(), values), fill(template.body(), values));
  }

  private static String fill(String text, Map<String, String> values) {
    String out = text;
    for (Map.Entry<String, String> e : values.entrySet()) {
      out = out.replace("{" + e.getKey() + "}", e.getValue());
    }
    return out;
  }

  private static String read(String path) throws IOException {
    Path local = Path.of(path);
    if (Files.isRegularFile(local)) {
      return Files.readString(local, StandardCharsets.UTF_8);
    }
    try (InputStream in = MailTemplates.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
