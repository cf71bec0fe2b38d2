package dev.sekisho.staff;

import dev.sekisho.admin.MemberAdmin;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.audit.AuditQuery;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.factor.passkey.PasskeySettings;
import dev.sekisho.login.LoginSettings;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.imports.ImportJobs;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.PasswordHasher;
import dev.sekisho.onboarding.OnboardingAdmin;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.I18n;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Templates;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Duration;

/**
 * The staff console at /sekisho/admin/: its own session (cookie {@value #COOKIE}, path
 * /sekisho/admin, SameSite=Strict, idle limit {@link #IDLE}), form bodies and CSRF check, then
 * the sign-in, member and staff pages. Mounted after the JSON admin API, whose catch-all answers
 * every /sekisho/admin/api/ path, and before the members' session handler, so a console request
 * never reads or writes a member session.
 */
public final class StaffConsole {
  public static final String COOKIE = "sekisho.staff";
  /** Shorter than the members' idle limit: a console left open on a shared desk signs itself out. */
  public static final Duration IDLE = Duration.ofMinutes(15);

  /** What the console is built from; all of it exists already in the HTTP verticle. */
  public record Parts(Pool pool, SessionStore sessionStore, boolean secureCookies, int maxBodyBytes, String publicOrigin,
                      Templates templates, I18n i18n, PasswordHasher hasher, SecretBox secrets, LoginThrottle throttle,
                      LoginSettings login, AuditLog audit, ClientAddress clientAddress, MemberRepository members,
                      MemberAdmin memberAdmin, AuditQuery auditQuery, MailOutbox outbox, PasskeySettings passkey,
                      ImportJobs imports) {}

  private final Parts parts;

  public StaffConsole(Parts parts) {
    this.parts = parts;
  }

  public void mount(Router router) {
    SessionHandler sessions = SessionHandler.create(parts.sessionStore())
        .setSessionCookieName(COOKIE)
        .setSessionCookiePath(StaffPaths.CONSOLE)
        .setCookieHttpOnlyFlag(true)
        .setCookieSecureFlag(parts.secureCookies())
        .setCookieSameSite(CookieSameSite.STRICT)
        .setSessionTimeout(IDLE.toMillis())
        .setMinLength(32)
        .setLazySession(true);
    Pages pages = new Pages(parts.templates(), parts.i18n(), sessions);
    String all = StaffPaths.CONSOLE + "*";
    router.route(all).handler(sessions);
    // The member file upload (multipart, up to the import limit) before the small-body handler of every other form.
    router.post(ConsoleImportRoutes.IMPORTS).handler(ConsoleImportRoutes.uploadBodies(pages));
    router.route(all).handler(BodyHandler.create(false).setBodyLimit(parts.maxBodyBytes()));
    router.route(all).handler(new Csrf(pages));

    StaffStore store = new StaffStore(parts.pool());
    StaffTotp totp = new StaffTotp(parts.secrets());
    StaffAudit audit = new StaffAudit(parts.audit(), parts.clientAddress());
    StaffGuard guard = new StaffGuard(store, audit, pages);
    StaffSignIn signIn = new StaffSignIn(store, totp, parts.hasher(), parts.throttle(), parts.login(), Clock.systemUTC());
    new StaffRoutes(store, signIn, totp, parts.hasher(), audit, pages, Clock.systemUTC()).mount(router);
    // Passkeys as a staff second factor, on the members' WebAuthn settings (relying party, origins).
    new StaffPasskeyRoutes(new StaffPasskeys(new StaffPasskeyStore(parts.pool()), parts.passkey()), signIn, guard, audit,
        pages).mount(router);
    MemberView view = new MemberView(parts.pool(), parts.throttle(), parts.memberAdmin(), parts.auditQuery());
    new ConsoleMemberRoutes(parts.members(), parts.memberAdmin(), new OnboardingAdmin(parts.pool()), parts.throttle(), view,
        guard, audit, pages).mount(router);
    new ConsoleRecordsRoutes(parts.auditQuery(), parts.throttle(), parts.outbox(), guard, audit, pages).mount(router);
    new ConsoleImportRoutes(parts.imports(), guard, audit, pages).mount(router);
    new ConsoleTokenRoutes(new StaffTokens(parts.pool()), guard, audit, pages).mount(router);
    new StaffAdminRoutes(store, guard, audit, pages, parts.publicOrigin()).mount(router);
    router.route(all).handler(ctx -> pages.error(ctx, 404, "errors.notFound"));
  }
}
