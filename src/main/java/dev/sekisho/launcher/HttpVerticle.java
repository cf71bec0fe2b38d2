package dev.sekisho.launcher;

import dev.sekisho.admin.AdminAuth;
import dev.sekisho.admin.AdminRoutes;
import dev.sekisho.admin.MemberAdmin;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.audit.AuditQuery;
import dev.sekisho.gateway.AccountRoutes;
import dev.sekisho.gateway.ForwardAuthRoutes;
import dev.sekisho.gateway.GatewayAccess;
import dev.sekisho.gateway.ProxyRoutes;
import dev.sekisho.db.DatabaseFaults;
import dev.sekisho.db.Pools;
import dev.sekisho.factor.passkey.PasskeyAdminRoutes;
import dev.sekisho.factor.passkey.PasskeyRoutes;
import dev.sekisho.factor.passkey.PasskeyService;
import dev.sekisho.factor.passkey.PasskeyStore;
import dev.sekisho.login.LoginRoutes;
import dev.sekisho.metrics.GatewayMetrics;
import dev.sekisho.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.otp.HotpAdminRoutes;
import dev.sekisho.otp.Otp;
import dev.sekisho.otp.OtpApiRoutes;
import dev.sekisho.otp.OtpRoutes;
import dev.sekisho.otp.SecretAdminRoutes;
import dev.sekisho.otp.TotpApiCheck;
import dev.sekisho.login.LoginService;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.MemberImporter;
import dev.sekisho.mail.DevMailboxRoutes;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.onboarding.OnboardingAdmin;
import dev.sekisho.onboarding.OnboardingAdminRoutes;
import dev.sekisho.onboarding.OnboardingRoutes;
import dev.sekisho.onboarding.OnboardingService;
import dev.sekisho.onboarding.PasswordPolicy;
import dev.sekisho.session.GatewaySessionStore;
import dev.sekisho.staff.StaffConsole;
import dev.sekisho.session.PgSessionStore;
import dev.sekisho.session.SessionSettings;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.FormBodies;
import dev.sekisho.web.I18n;
import dev.sekisho.web.InvalidRequests;
import dev.sekisho.web.MalformedPaths;
import dev.sekisho.web.OpsRoutes;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import dev.sekisho.web.RequestLog;
import dev.sekisho.web.SecurityHeaders;
import dev.sekisho.web.SlowClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SessionHandler;
import dev.sekisho.factor.SetupDeadline;
import dev.sekisho.onboarding.PasswordChangeRoutes;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * The HTTP verticle, deployed once per event-loop core. It owns a database pool on its own event
 * loop and assembles the router: operations, static files and the admin API first (no session),
 * then the session, body and CSRF handlers, then the member pages.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final Infrastructure infra;
  private Pool pool;
  private HttpServer server;
  private HttpClient upstreamClient;

  public HttpVerticle(Infrastructure infra) {
    this.infra = infra;
  }

  @Override
  public Future<?> start() {
    Settings settings = infra.settings();
    pool = Pools.create(vertx, infra.database(), settings.db().poolSize(), settings.db().timeoutMs());
    // Connections to the portal, pooled per verticle; bodies pass through as the portal encoded them.
    upstreamClient = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout((int) settings.gateway().connectTimeout().toMillis())
            .setKeepAlive(true).setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(64));
    // Slow and malformed clients are timed and capped per address before any route sees them.
    SlowClients slowClients = new SlowClients(vertx, settings.web().limits(), Set.copyOf(settings.web().trustedProxies()));
    Router router = router(settings, slowClients);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.web().host()).setPort(settings.web().port())
        // No cleartext HTTP/2 upgrade: nothing needs it, and an oversized header then hung its
        // request instead of being refused (and vertx-http-proxy mishandles h2c errors).
        .setHttp2ClearTextEnabled(false)
        .setMaxFormAttributeSize(settings.web().maxBodyBytes());
    if (settings.web().tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(settings.web().tlsCertPath()).setKeyPath(settings.web().tlsKeyPath()));
    }
    server = vertx.createHttpServer(options);
    // The HTTP codec's own refusals (bad request line, oversized headers) get a clear message too.
    return server.connectionHandler(slowClients.connections())
        .requestHandler(router).invalidRequestHandler(new InvalidRequests()).listen()
        .onSuccess(listening -> infra.listeners().up(context))
        .recover(err -> Future.failedFuture(listenFailure(settings, err)));
  }

  /** One line naming the address, the port and their keys ("Address already in use" alone named nothing). */
  private static Exception listenFailure(Settings settings, Throwable err) {
    return new dev.sekisho.config.ConfigException("Cannot listen on " + settings.web().host() + ":" + settings.web().port()
        + " (http.host SEKISHO_HTTP_HOST, http.port SEKISHO_HTTP_PORT): " + err.getMessage());
  }

  private Router router(Settings settings, SlowClients slowClients) {
    PgSessionStore sessionStore = new PgSessionStore(vertx, pool, settings.session().absolute());
    SessionHandler sessions = sessionHandler(sessionStore, settings.session());
    // Requests bound for the portal read the session and its member in one statement.
    SessionHandler portalSessions = sessionHandler(new GatewaySessionStore(sessionStore), settings.session());
    Pages pages = new Pages(infra.templates(), infra.i18n(), sessions);
    ClientAddress clientAddress = new ClientAddress(settings.web().trustedProxies());
    MemberRepository members = new MemberRepository(pool);
    LoginThrottle throttle = new LoginThrottle(pool, settings.login().backoff(), settings.login().addressLimit(),
        settings.login().maxConsecutiveFailures());
    PrometheusMeterRegistry registry = settings.metrics().enabled() ? Metrics.registry(vertx) : null;
    GatewayMetrics metrics = registry == null ? null : new GatewayMetrics(registry, settings.metrics().allowFrom());
    AuditLog audit = metrics == null ? new AuditLog(pool) : new AuditLog(pool, metrics::audited);
    MemberImporter importer = new MemberImporter(vertx, members, infra.hasher(),
        new IssuedPasswordRule(settings.password().issuedRule()));

    MailOutbox outbox = new MailOutbox(vertx, pool, infra.secrets());
    Otp otp = Otp.create(pool, infra.secrets(), settings.otp(), throttle, settings.login().sendLimit(throttle), outbox,
        Clock.systemUTC(), infra.otpCaches());
    // Bodies are read only for the gateway's own pages: a proxied request must stream untouched.
    FormBodies forms = FormBodies.limitedTo(settings.web().maxBodyBytes());

    Router router = Router.router(vertx);
    router.route().handler(slowClients.requests());
    router.route().handler(new RequestLog(clientAddress));
    router.route().handler(new MalformedPaths());
    router.route().handler(new SecurityHeaders(settings.session().secureCookies(), clientAddress));
    // The OTP API's hot path comes first: a passing TOTP check of a bearer session is answered in
    // one statement, before any session read and before the router tests every other route's path
    // (a measurable share of a check's CPU). Anything else goes on down the router.
    TotpApiCheck fastCheck = new TotpApiCheck(pool, otp, sessionStore, clientAddress, audit,
        metrics == null ? path -> { } : metrics::otpCheckPath);
    router.post(OtpApiRoutes.VERIFY).handler(forms).handler(OtpApiRoutes.bearer(settings.session().cookieName()))
        .handler(fastCheck);
    // Health, readiness and metrics live on the management listener; here too only when asked.
    if (settings.management().onPublicListener()) {
      new OpsRoutes(pool, settings.db().timeoutMs(), infra.embeddedPidFile(), infra.listeners()).mount(router);
    }
    if (metrics != null && settings.management().onPublicListener()) {
      metrics.mount(router, registry);
    }
    router.route(Paths.STATIC + "/*").handler(StaticHandler.create("webroot/static").setCachingEnabled(true));

    // The portal's requests (every path outside /sekisho, and forward-auth) come first, past the
    // routes of the gateway's own pages and admin API, which would otherwise each be matched
    // against every proxied request: their session handler reads the session and its member in
    // one statement; forward-auth answers whatever method the proxy in front asks with (no body or
    // CSRF handler); the proxy streams the request untouched (no body handler) and passes the
    // gateway's own paths on.
    router.route().handler(ctx -> {
      if (boundForPortal(ctx.normalizedPath())) {
        portalSessions.handle(ctx);
      } else {
        ctx.next();
      }
    });
    GatewayAccess access = new GatewayAccess(members, audit);
    new ForwardAuthRoutes(access, settings.gateway(), clientAddress, pages).mount(router);
    new ProxyRoutes(upstreamClient, infra.upstreams(), settings.gateway(), access, clientAddress,
        Set.of(settings.session().cookieName(), I18n.COOKIE), pages, infra.templates(),
        settings.management().onPublicListener()).mount(router);
    // The bootstrap token (admin.token) or a staff member's own API token, scoped to a role.
    AdminAuth adminAuth = new AdminAuth(infra.adminToken(), audit, clientAddress, new dev.sekisho.staff.StaffTokens(pool));
    AuditQuery auditQuery = new AuditQuery(pool);
    IssuedPasswordRule issuedRule = new IssuedPasswordRule(settings.password().issuedRule());
    // One policy for every new password: the member's own (J1.8) and the one the insurer sets.
    PasswordPolicy passwordPolicy = new PasswordPolicy(settings.onboarding(), infra.onboardingTexts(), issuedRule);
    MemberAdmin memberAdmin = new MemberAdmin(pool, infra.hasher(), issuedRule, passwordPolicy);
    new OnboardingAdminRoutes(new OnboardingAdmin(pool), outbox, audit, clientAddress, adminAuth).mount(router);
    PasskeyService passkeys = new PasskeyService(vertx, new PasskeyStore(pool), settings.passkey(), audit);
    // Before AdminRoutes, whose catch-all answers 404 for any admin path it does not know.
    new PasskeyAdminRoutes(passkeys, members, clientAddress, adminAuth, audit).mount(router);
    new HotpAdminRoutes(otp.hotp(), members, audit, clientAddress, adminAuth).mount(router);
    new SecretAdminRoutes(otp.rotation(), infra.secrets().activeKeyId(), audit, clientAddress, adminAuth).mount(router);
    new AdminRoutes(importer, members, throttle, audit, clientAddress, adminAuth, memberAdmin, auditQuery).mount(router);
    // The staff console: its own session and CSRF, before the members' session handler below.
    new StaffConsole(new StaffConsole.Parts(pool, sessionStore, settings.session().secureCookies(), settings.web().maxBodyBytes(),
        settings.web().publicOrigin(), infra.templates(), infra.i18n(), infra.hasher(), infra.secrets(), throttle,
        settings.login(), audit, clientAddress, members, memberAdmin, auditQuery, outbox)).mount(router);

    // API calls may carry the session as a bearer token instead of the cookie.
    router.route(Paths.API + "/*").handler(OtpApiRoutes.bearer(settings.session().cookieName()));
    router.route().handler(sessions);
    router.route(Paths.PREFIX + "/*").handler(forms);
    router.route(Paths.PREFIX + "/*").handler(new Csrf(pages));

    OnboardingService onboarding = new OnboardingService(vertx, pool, members, infra.hasher(), throttle, settings.login(),
        settings.onboarding(), passwordPolicy,
        infra.mailTemplates(), outbox, audit, settings.web().publicOrigin(), settings.mail().fromName());
    LoginService logins = new LoginService(infra.hasher(), throttle, members, audit, settings.login(), onboarding::afterPassword);
    new LoginRoutes(logins, members, clientAddress, pages, settings.passkey().passkeyFirst()).mount(router);

    new OnboardingRoutes(onboarding, infra.onboardingTexts(), clientAddress, pages).mount(router);
    new PasswordChangeRoutes(onboarding, members, clientAddress, pages).mount(router);
    OtpRoutes otpRoutes = new OtpRoutes(otp, members, audit, clientAddress, pages);
    otpRoutes.mount(router);
    // A passkey as first method ends like an OTP set-up: with the member's recovery codes.
    new PasskeyRoutes(passkeys, members, clientAddress, pages, otpRoutes::finishSetUp).mount(router);
    new OtpApiRoutes(otp, logins, members, clientAddress, sessions, audit, fastCheck).mount(router);
    // Every caught mail, to anyone: only ever on loopback (Main refuses the rest before this).
    if (infra.mailCatcher() != null && DevelopmentParts.isLoopback(settings.web().host())) {
      new DevMailboxRoutes(infra.mailCatcher(), pages).mount(router);
    }
    new AccountRoutes(members, auditQuery, pages).mount(router);


    router.route().last().handler(ctx -> pages.error(ctx, 404, "errors.notFound"));
    router.route().failureHandler(ctx -> failure(ctx, pages));
    publishRoutes(router);
    return router;
  }

  /** Name of the local map holding the router's routes (method + path), for tests that prove a property of every route. */
  public static final String ROUTES_MAP = "sekisho.routes";

  /**
   * Lists the routes with a path and their methods (empty = any method) in this Vert.x instance's
   * local map: the CSRF test enumerates every state-changing route from it, so a route added later
   * is covered without anyone remembering to add it to a test.
   */
  private void publishRoutes(Router router) {
    JsonArray routes = new JsonArray();
    for (var route : router.getRoutes()) {
      if (route.getPath() == null) {
        continue;
      }
      JsonArray methods = new JsonArray();
      if (route.methods() != null) {
        route.methods().forEach(m -> methods.add(m.name()));
      }
      routes.add(new JsonObject().put("path", route.getPath()).put("methods", methods));
    }
    vertx.sharedData().getLocalMap(ROUTES_MAP).put("routes", routes);
  }

  /** The proxied paths and the forward-auth checks: what GatewayAccess decides on. */
  private static boolean boundForPortal(String path) {
    return !Paths.isGatewayPath(path) || path.equals(ForwardAuthRoutes.VERIFY) || path.equals(ForwardAuthRoutes.START);
  }

  /** Both session handlers share one store's sessions and the same cookie; only one of them runs per request. */
  private SessionHandler sessionHandler(io.vertx.ext.web.sstore.SessionStore store, SessionSettings settings) {
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
    if (DatabaseFaults.isUnavailable(ctx.failure())) {
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

  @Override
  public Future<?> stop() {
    infra.listeners().down(context);
    // Let in-flight requests finish before the pool goes away.
    Future<Void> closing = server == null ? Future.succeededFuture() : server.shutdown(infra.settings().web().shutdownGraceSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    return closing
        .eventually(() -> upstreamClient == null ? Future.succeededFuture() : upstreamClient.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
