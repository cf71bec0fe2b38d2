package dev.sekisho.launcher;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.gateway.Upstream;
import dev.sekisho.member.PasswordHasher;
import dev.sekisho.web.I18n;
import dev.sekisho.web.Templates;

import java.util.List;

/**
 * What the main verticle prepares once, off the event loop, and hands to every HTTP verticle:
 * all of it immutable or thread-safe.
 */
public record Infrastructure(Settings settings, DatabaseTarget database, PasswordHasher hasher, Templates templates,
                             I18n i18n, String adminToken, List<Upstream> upstreams) {
}
