package dev.sekisho.launcher;

import dev.sekisho.account.EmailChange;
import dev.sekisho.account.EmailChangePages;
import dev.sekisho.account.OwnPasswordChange;
import dev.sekisho.account.PasswordChangePage;
import dev.sekisho.admin.AdminApiDescription;
import dev.sekisho.admin.AdminApiGate;
import dev.sekisho.admin.AdminAuth;
import dev.sekisho.admin.AdminRoutes;
import dev.sekisho.admin.MemberAdmin;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.audit.AuditQuery;
import dev.sekisho.db.DatabaseFaults;
import dev.sekisho.factor.SetupDeadline;
import dev.sekisho.factor.account.MethodRemoval;
import dev.sekisho.factor.passkey.PasskeyAdminRoutes;
import dev.sekisho.factor.passkey.PasskeyRoutes;
import dev.sekisho.factor.passkey.PasskeyService;
import dev.sekisho.factor.passkey.PasskeyStore;
import dev.sekisho.gateway.AccountRoutes;
import dev.sekisho.gateway.ForwardAuthRoutes;
import dev.sekisho.gateway.GatewayAccess;
import dev.sekisho.gateway.ProxyRoutes;
import dev.sekisho.login.LoginRoutes;
import dev.sekisho.login.LoginService;
import dev.sekisho.login.PasswordRecheck;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.mail.DevMailboxRoutes;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.MemberImporter;
import dev.sekisho.imports.ImportJobStore;
import dev.sekisho.imports.ImportJobs;
import dev.sekisho.admin.AdminImportRoutes;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.metrics.GatewayMetrics;
import dev.sekisho.metrics.Metrics;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.onboarding.ConfirmationRoutes;
import dev.sekisho.onboarding.OnboardingAdmin;
import dev.sekisho.onboarding.OnboardingAdminRoutes;
import dev.sekisho.onboarding.OnboardingRoutes;
import dev.sekisho.onboarding.OnboardingService;
import dev.sekisho.onboarding.PasswordChangeRoutes;
import dev.sekisho.onboarding.PasswordPolicy;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.assembly.Otp;
import dev.sekisho.factor.email.OtpCodeMail;
import dev.sekisho.factor.assembly.OtpRoutes;
import dev.sekisho.factor.hotp.HotpAdminRoutes;
import dev.sekisho.factor.otpapi.OtpApiRoutes;
import dev.sekisho.factor.passkey.PasskeyFactor;
import dev.sekisho.factor.rotation.SecretAdminRoutes;
import dev.sekisho.factor.batch.Batching;
import dev.sekisho.factor.totp.TotpApiCheck;
import dev.sekisho.session.GatewaySessionStore;
import dev.sekisho.session.PgSessionStore;
import dev.sekisho.session.SessionListRoutes;
import dev.sekisho.session.SessionSettings;
import dev.sekisho.staff.StaffConsole;
import dev.sekisho.staff.StaffTokens;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.ClientFaults;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.FormBodies;
import dev.sekisho.web.I18n;
import dev.sekisho.web.MalformedPaths;
import dev.sekisho.web.OpsRoutes;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import dev.sekisho.web.RequestLog;
import dev.sekisho.web.RouteModule;
import dev.sekisho.web.SecurityHeaders;
import dev.sekisho.web.SlowClients;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClient;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.sekisho.web.MountPhase.ADMIN_API;
import static dev.sekisho.web.MountPhase.FALLBACK;
import static dev.sekisho.web.MountPhase.FORMS_AND_CSRF;
import static dev.sekisho.web.MountPhase.HOT_PATHS;
import static dev.sekisho.web.MountPhase.MEMBER_PAGES;
import static dev.sekisho.web.MountPhase.OPERATIONS;
import static dev.sekisho.web.MountPhase.PORTAL;
import static dev.sekisho.web.MountPhase.REQUEST_GUARDS;
import static dev.sekisho.web.MountPhase.SESSION;
import static dev.sekisho.web.MountPhase.STATIC;

/**
 * The composition root of one HTTP verticle: builds the services on its pool and lists every
 * capability's routes with the phase they belong to. {@link dev.sekisho.web.GatewayRouter} mounts
 * them in phase order. It lives in the launcher, not in web, because it knows every package.
 */
final class GatewayRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);

  private GatewayRoutes() {
  }

  static List<RouteModule> modules(Vertx vertx, Infrastructure infra, Pool pool, HttpClient upstreamClient,
                                   SlowClients slowClients, AdminApiDescription adminApi) {
    Settings settings = infra.settings();
    List<RouteModule> modules = new ArrayList<>();
    PrometheusMeterRegistry registry = settings.metrics().enabled() ? Metrics.registry(vertx) : null;
    GatewayMetrics metrics = registry == null ? null : new GatewayMetrics(registry, settings.metrics().allowFrom());
    // Group commit of second-factor checks and of the session renewals that follow them: one per
    // verticle, so each batches its own event loop's statements.
    Batching batching = new Batching(vertx, settings.otpBatch(), metrics == null ? (statement, size) -> { } : metrics::otpCheckBatch);
    PgSessionStore sessionStore = new PgSessionStore(vertx, pool, settings.session().absolute(), batching);
    SessionHandler sessions = sessionHandler(sessionStore, settings.session());
    // Requests bound for the portal read the session and its member in one statement.
    SessionHandler portalSessions = sessionHandler(new GatewaySessionStore(sessionStore), settings.session());
    Pages pages = new Pages(infra.templates(), infra.i18n(), sessions);
    ClientAddress clientAddress = new ClientAddress(settings.web().trustedProxies());
    MemberRepository members = new MemberRepository(pool);
    LoginThrottle throttle = new LoginThrottle(pool, settings.login().backoff(), settings.login().addressLimit(),
        settings.login().maxConsecutiveFailures());
    AuditLog audit = metrics == null ? new AuditLog(pool) : new AuditLog(pool, metrics::audited);
    MemberImporter importer = new MemberImporter(vertx, members, infra.hasher(),
        new IssuedPasswordRule(settings.password().issuedRule()));
    MailOutbox outbox = new MailOutbox(vertx, pool, infra.secrets());
    // Every change to a member's security is told by mail; one lock notice per lock period.
    SecurityNotices notices = new SecurityNotices(vertx, pool, outbox, infra.mailTemplates(), infra.i18n(),
        settings.web().publicOrigin(), settings.mail().fromName(), settings.login().lock());
    Otp otp = Otp.create(pool, infra.secrets(), settings.otp(), throttle, settings.login().sendLimit(throttle), outbox,
        new OtpCodeMail(infra.mailTemplates(), settings.otp().issuer(), settings.mail().fromName()), Clock.systemUTC(), infra.otpCaches(),
        batching);
    // Bodies are read only for the gateway's own pages: a proxied request must stream untouched.
    FormBodies forms = FormBodies.limitedTo(settings.web().maxBodyBytes());

    modules.add(RouteModule.of(REQUEST_GUARDS, "slow-clients", r -> r.route().handler(slowClients.requests())));
    modules.add(RouteModule.of(REQUEST_GUARDS, "request-log", r -> r.route().handler(new RequestLog(clientAddress))));
    modules.add(RouteModule.of(REQUEST_GUARDS, "malformed-paths", r -> r.route().handler(new MalformedPaths())));
    modules.add(RouteModule.of(REQUEST_GUARDS, "security-headers",
        r -> r.route().handler(new SecurityHeaders(settings.session().secureCookies(), clientAddress))));
    // The OTP API's hot path comes first: a passing TOTP check of a bearer session is answered in
    // one statement, before any session read and before the router tests every other route's path
    // (a measurable share of a check's CPU). Anything else goes on down the router.
    TotpApiCheck fastCheck = new TotpApiCheck(pool, otp.totp(), otp.caches().tickets(), sessionStore, clientAddress, audit,
        metrics == null ? path -> { } : metrics::otpCheckPath, batching);
    modules.add(RouteModule.of(HOT_PATHS, "otp-api-check", r -> r.post(OtpApiRoutes.VERIFY).handler(forms)
        .handler(OtpApiRoutes.bearer(settings.session().cookieName())).handler(fastCheck)));
    // Health, readiness and metrics live on the management listener; here too only when asked.
    if (settings.management().onPublicListener()) {
      modules.add(RouteModule.of(OPERATIONS, "health",
          new OpsRoutes(pool, settings.db().timeoutMs(), infra.embeddedPidFile(), infra.listeners())::mount));
    }
    if (metrics != null && settings.management().onPublicListener()) {
      modules.add(RouteModule.of(OPERATIONS, "metrics", r -> metrics.mount(r, registry)));
    }
    modules.add(RouteModule.of(STATIC, "static",
        r -> r.route(Paths.STATIC + "/*").handler(StaticHandler.create("webroot/static").setCachingEnabled(true))));

    // The portal's requests (every path outside /sekisho, and forward-auth) come before the routes
    // of the gateway's own pages and admin API, which would otherwise each be matched against every
    // proxied request: their session handler reads the session and its member in one statement;
    // forward-auth answers whatever method the proxy in front asks with (no body or CSRF handler);
    // the proxy streams the request untouched (no body handler) and passes the gateway's own paths on.
    modules.add(RouteModule.of(PORTAL, "portal-session", r -> r.route().handler(ctx -> {
      if (boundForPortal(ctx.normalizedPath())) {
        portalSessions.handle(ctx);
      } else {
        ctx.next();
      }
    })));
    GatewayAccess access = new GatewayAccess(members, audit);
    modules.add(RouteModule.of(PORTAL, "forward-auth",
        new ForwardAuthRoutes(access, settings.gateway(), clientAddress, pages)::mount));
    modules.add(RouteModule.of(PORTAL, "proxy", new ProxyRoutes(upstreamClient, infra.upstreams(), settings.gateway(),
        access, clientAddress, Set.of(settings.session().cookieName(), I18n.COOKIE), pages, infra.templates(),
        settings.management().onPublicListener())::mount));

    // The bootstrap token (admin.token) or a staff member's own API token, scoped to a role.
    AdminAuth adminAuth = new AdminAuth(infra.adminToken(), audit, clientAddress, new StaffTokens(pool));
    AuditQuery auditQuery = new AuditQuery(pool);
    IssuedPasswordRule issuedRule = new IssuedPasswordRule(settings.password().issuedRule());
    // One policy for every new password: the member's own (J1.8) and the one the insurer sets.
    PasswordPolicy passwordPolicy = new PasswordPolicy(vertx, settings.onboarding(), infra.onboardingTexts(), issuedRule);
    MemberAdmin memberAdmin = new MemberAdmin(pool, infra.hasher(), issuedRule, passwordPolicy, notices);
    // First in the phase: the token, then the request checked against the API's description.
    modules.add(RouteModule.of(ADMIN_API, "admin-api-gate", new AdminApiGate(adminApi, adminAuth, audit, clientAddress)::mount));
    modules.add(RouteModule.of(ADMIN_API, "onboarding-admin",
        new OnboardingAdminRoutes(new OnboardingAdmin(pool), outbox, audit, clientAddress, adminAuth)::mount));
    PasskeyService passkeys = new PasskeyService(vertx, new PasskeyStore(pool), settings.passkey(), audit);
    // Before AdminRoutes, whose catch-all answers 404 for any admin path it does not know.
    modules.add(RouteModule.of(ADMIN_API, "passkey-admin",
        new PasskeyAdminRoutes(passkeys, members, clientAddress, adminAuth, audit, notices)::mount));
    modules.add(RouteModule.of(ADMIN_API, "hotp-admin",
        new HotpAdminRoutes(otp.hotp(), members, audit, clientAddress, adminAuth, notices)::mount));
    modules.add(RouteModule.of(ADMIN_API, "secret-admin",
        new SecretAdminRoutes(otp.rotation(), infra.secrets().activeKeyId(), audit, clientAddress, adminAuth)::mount));
    // Import jobs: checked at once, run in the background by ImportJobRunner (one per process).
    ImportJobs importJobs = new ImportJobs(importer, new ImportJobStore(pool, infra.secrets()));
    modules.add(RouteModule.of(ADMIN_API, "import-jobs",
        new AdminImportRoutes(importJobs, adminAuth, audit, clientAddress)::mount));
    modules.add(RouteModule.of(ADMIN_API, "admin", new AdminRoutes(importer, members, throttle, audit, clientAddress,
        adminAuth, memberAdmin, auditQuery)::mount));
    // The staff console: its own session and CSRF, before the members' session handler (SESSION phase).
    modules.add(RouteModule.of(ADMIN_API, "staff-console", new StaffConsole(new StaffConsole.Parts(pool, sessionStore,
        settings.session().secureCookies(), settings.web().maxBodyBytes(), settings.web().publicOrigin(), infra.templates(),
        infra.i18n(), infra.hasher(), infra.secrets(), throttle, settings.login(), audit, clientAddress, members,
        memberAdmin, auditQuery, outbox, settings.passkey(), importJobs))::mount));

    // API calls may carry the session as a bearer token instead of the cookie.
    modules.add(RouteModule.of(SESSION, "api-bearer",
        r -> r.route(Paths.API + "/*").handler(OtpApiRoutes.bearer(settings.session().cookieName()))));
    modules.add(RouteModule.of(SESSION, "session", r -> r.route().handler(sessions)));
    modules.add(RouteModule.of(FORMS_AND_CSRF, "forms", r -> r.route(Paths.PREFIX + "/*").handler(forms)));
    modules.add(RouteModule.of(FORMS_AND_CSRF, "csrf", r -> r.route(Paths.PREFIX + "/*").handler(new Csrf(pages))));

    OnboardingService onboarding = new OnboardingService(vertx, pool, members, infra.hasher(), throttle, settings.login(),
        settings.onboarding(), passwordPolicy,
        infra.mailTemplates(), outbox, audit, settings.web().publicOrigin(), settings.mail().fromName());
    LoginService logins = new LoginService(infra.hasher(), throttle, members, audit, settings.login(), onboarding::afterPassword,
        onboarding::flagShortPassword, notices);
    modules.add(RouteModule.of(MEMBER_PAGES, "login",
        new LoginRoutes(logins, members, clientAddress, pages, settings.passkey().passkeyFirst())::mount));
    modules.add(RouteModule.of(MEMBER_PAGES, "onboarding",
        new OnboardingRoutes(onboarding, infra.onboardingTexts(), clientAddress, pages)::mount));
    modules.add(RouteModule.of(MEMBER_PAGES, "email-confirmation", new ConfirmationRoutes(onboarding, pages)::mount));
    modules.add(RouteModule.of(MEMBER_PAGES, "password-change",
        new PasswordChangeRoutes(onboarding, members, clientAddress, pages, notices)::mount));
    SecondFactors factors = otp.factors(new PasskeyFactor(passkeys, otp.methods()));
    OtpRoutes otpRoutes = new OtpRoutes(otp, factors, members, audit, clientAddress, new MethodRemoval(pool, factors),
        new PasswordRecheck(infra.hasher(), throttle, settings.login(), audit), pages, notices);
    modules.add(RouteModule.of(MEMBER_PAGES, "otp", otpRoutes::mount));
    // A passkey as first method ends like an OTP set-up: with the member's recovery codes.
    modules.add(RouteModule.of(MEMBER_PAGES, "passkey",
        new PasskeyRoutes(passkeys, members, clientAddress, pages, otpRoutes::finishSetUp, notices)::mount));
    modules.add(RouteModule.of(MEMBER_PAGES, "otp-api",
        new OtpApiRoutes(otp, factors, logins, members, clientAddress, sessions, audit, fastCheck)::mount));
    // Every caught mail, to anyone: only ever on loopback (Main refuses the rest before this).
    if (infra.mailCatcher() != null && DevelopmentParts.isLoopback(settings.web().host())) {
      modules.add(RouteModule.of(MEMBER_PAGES, "dev-mailbox", new DevMailboxRoutes(infra.mailCatcher(), pages)::mount));
    }
    SessionListRoutes sessionList = new SessionListRoutes(pool, sessionStore, audit, clientAddress, pages);
    modules.add(RouteModule.of(MEMBER_PAGES, "account-sessions", sessionList::mount));
    modules.add(RouteModule.of(MEMBER_PAGES, "account",
        new AccountRoutes(members, auditQuery, sessionList, pages)::mount));
    modules.add(RouteModule.of(MEMBER_PAGES, "account-password", new PasswordChangePage(new OwnPasswordChange(pool,
        infra.hasher(), throttle, settings.login(), onboarding, notices, audit), settings.onboarding(), members,
        clientAddress, pages)::mount));
    modules.add(RouteModule.of(MEMBER_PAGES, "account-email", new EmailChangePages(new EmailChange(vertx, pool,
        settings.login().sendLimit(throttle), settings.onboarding().confirmationValidity(),
        settings.onboarding().resendCooldown(), infra.mailTemplates(), outbox, notices, settings.web().publicOrigin(),
        settings.mail().fromName()), members, clientAddress, pages)::mount));

    modules.add(RouteModule.of(FALLBACK, "not-found",
        r -> r.route().last().handler(ctx -> pages.error(ctx, 404, "errors.notFound"))));
    modules.add(RouteModule.of(FALLBACK, "failures", r -> r.route().failureHandler(ctx -> failure(ctx, pages))));
    return modules;
  }

  /** The proxied paths and the forward-auth checks: what GatewayAccess decides on. */
  private static boolean boundForPortal(String path) {
    return !Paths.isGatewayPath(path) || path.equals(ForwardAuthRoutes.VERIFY) || path.equals(ForwardAuthRoutes.START);
  }

  /** Both session handlers share one store's sessions and the same cookie; only one of them runs per request. */
  private static SessionHandler sessionHandler(io.vertx.ext.web.sstore.SessionStore store, SessionSettings settings) {
    return SessionHandler.create(store)
        .setSessionCookieName(settings.cookieName())
        .setCookieHttpOnlyFlag(true)
        .setCookieSecureFlag(settings.secureCookies())
        .setCookieSameSite(CookieSameSite.LAX)
        .setSessionTimeout(settings.idle().toMillis())
        .setMinLength(32)
        // Create a session only for requests that use one: health checks and assets stay stateless.
        .setLazySession(true);
  }

  /** Known client errors get their page; anything else is logged with a reference the page shows. */
  private static void failure(RoutingContext ctx, Pages pages) {
    int status = ctx.statusCode();
    if (ClientFaults.clientConnectionFailed(ctx)) {
      // First: a client's reset reads "Connection reset" just as a stopped database does.
      if (ClientFaults.unreadable(ctx.failure())) {
        LOG.info("request body unreadable path={}: {}", ctx.request().path(), String.valueOf(ctx.failure().getMessage()));
      } else {
        LOG.debug("client connection failed path={}: {}", ctx.request().path(), ctx.failure().toString());
      }
      // The connection is closing; answer if it still takes one.
      if (!ctx.response().closed() && !ctx.response().ended()) {
        pages.error(ctx, 400, "errors.badRequest");
      }
    } else if (ClientFaults.clientGone(ctx)) {
      LOG.debug("client closed the connection before the answer path={}", ctx.request().path());
    } else if (DatabaseFaults.isUnavailable(ctx.failure())) {
      // The database is down or stuck: a clear "try again shortly", not a bug report.
      LOG.warn("database unavailable path={}: {}", ctx.request().path(), String.valueOf(ctx.failure().getMessage()));
      pages.unavailable(ctx);
    } else if (ctx.failure() instanceof SetupDeadline.Passed) {
      // A session opened before the set-up deadline tried to set the method up after it.
      pages.error(ctx, 403, "login.setupExpired");
    } else if (status == 413) {
      pages.error(ctx, 413, "errors.tooLarge");
    } else if (status >= 400 && status < 500) {
      pages.error(ctx, status, status == 404 ? "errors.notFound" : "errors.badRequest");
    } else {
      String reference = UUID.randomUUID().toString().substring(0, 8);
      LOG.error("request failed ref={} path={}", reference, ctx.request().path(), ctx.failure());
      pages.error(ctx, 500, "errors.internal");
    }
  }
}
