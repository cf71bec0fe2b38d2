package dev.sekisho.mail;

import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dev-only mailbox, /sekisho/dev/mailbox: what the in-process SMTP server caught, newest
 * first, links clickable, so a newcomer can follow the confirmation link of the default run.
 * Mounted only when mail.mode is embedded (the catcher exists): never in production.
 */
public final class DevMailboxRoutes {
  public static final String PATH = Paths.PREFIX + "/dev/mailbox";
  private static final Pattern LINK = Pattern.compile("https?://\\S+");

  private final MailCatcher catcher;
  private final Pages pages;

  public DevMailboxRoutes(MailCatcher catcher, Pages pages) {
    this.catcher = catcher;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(PATH).handler(ctx -> {
      JsonArray mails = new JsonArray();
      for (CaughtMail mail : catcher.mails()) {
        JsonArray lines = new JsonArray();
        for (String line : mail.body().replace("\r\n", "\n").split("\n", -1)) {
          Matcher m = LINK.matcher(line);
          if (m.find()) {
            lines.add(new JsonObject().put("before", line.substring(0, m.start())).put("link", m.group())
                .put("after", line.substring(m.end())));
          } else {
            lines.add(new JsonObject().put("before", line));
          }
        }
        mails.add(new JsonObject().put("number", mail.number()).put("at", mail.receivedAt().toString())
            .put("from", mail.from()).put("to", mail.to()).put("subject", mail.subject()).put("lines", lines));
      }
      pages.render(ctx, "dev-mailbox", new JsonObject().put("mails", mails).put("empty", mails.isEmpty()));
    });
  }
}
