package dev.sekisho.gateway;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.journey.Journey;
import dev.sekisho.rules.AccessRule;
import dev.sekisho.rules.AccessRules;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.I18n;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import dev.sekisho.web.Templates;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;

import java.util.List;
import java.util.Set;

/**
 * The catch-all: every path outside /sekisho (and the health checks) belongs to the portal. A
 * member through the whole journey is proxied there, streaming both ways (no body handler on
 * this route); anyone else is sent to the journey, with the page they asked for remembered.
 */
public final class ProxyRoutes {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProxyRoutes.class);
  private final HttpClient client;
  private final List<Target> upstreams;
  private final GatewaySettings settings;
  private final GatewayAccess access;
  private final Forwarding forwarding;
  private final GatewayCookies cookies;
  private final ClientAddress clientAddress;
  private final Pages pages;
  private final Templates templates;
  private final I18n i18n;
  /** Whether /health and /ready are answered on this listener (management.public); else they are the portal's. */
  private final boolean opsOnPublic;

  public ProxyRoutes(HttpClient client, List<Upstream> upstreams, GatewaySettings settings, GatewayAccess access,
                     ClientAddress clientAddress, Set<String> gatewayCookies, Pages pages, Templates templates,
                     boolean opsOnPublic) {
    this.opsOnPublic = opsOnPublic;
    this.client = client;
    this.upstreams = upstreams.stream()
        .map(u -> new Target(u, SocketAddress.inetSocketAddress(u.port(), u.host()))).toList();
    this.settings = settings;
    this.access = access;
    this.forwarding = new Forwarding(clientAddress);
    this.cookies = new GatewayCookies(gatewayCookies);
    this.clientAddress = clientAddress;
    this.pages = pages;
    this.templates = templates;
    this.i18n = pages.i18n();
  }

  /** An upstream and its address, made once rather than on every request. */
  private record Target(Upstream upstream, SocketAddress server) {
  }

  /**
   * Mount right after the session handler: it takes every path outside /sekisho (but the health
   * checks) and passes the gateway's own paths on to the routes after it.
   */
  /** The route label of portal requests the gateway answers itself (sent to the journey, refused). */
  public static final String PORTAL_ROUTE = "portal";

  public void mount(Router router) {
    router.route().handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (Paths.isGatewayPath(path) || (opsOnPublic && (path.equals(Paths.HEALTH) || path.equals(Paths.READY)))) {
      ctx.next();
      return;
    }
    HttpServerRequest request = ctx.request();
    // The metrics' route label: "portal" until an upstream is chosen (a visitor sent to the journey).
    request.routed(PORTAL_ROUTE);
    if (request.canUpgradeToWebSocket() && !settings.allowsWebSocketFrom(request.getHeader(HttpHeaders.ORIGIN))) {
      Pages.json(ctx, 403, "origin_refused", "WebSocket connections are accepted only from the portal's own pages.");
      return;
    }
    // The per-path rules, read against the path normalised once (gateway.rules; PathNormalizer).
    AccessRules.Decision rule = settings.rules().decide(requestHost(request), request.path());
    if (rule.malformed()) {
      pages.error(ctx, 400, "errors.badRequest");
      return;
    }
    if (rule.action() == AccessRule.Action.DENY) {
      pages.error(ctx, 403, "gateway.denied");
      return;
    }
    if (rule.action() == AccessRule.Action.PUBLIC) {
      // Anyone: proxied without an identity (a client's own identity headers are stripped all the same).
      proxy(ctx, null);
      return;
    }
    // Hold the body while we look the member up; the proxy resumes it as it streams it on.
    request.pause();
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), request.getHeader(HttpHeaders.USER_AGENT));
    access.decide(ctx.session(), client, request.uri()).onComplete(decided -> {
      if (decided.failed()) {
        request.resume();
        ctx.fail(decided.cause());
      } else if (decided.result().allowed()) {
        proxy(ctx, decided.result().identity());
      } else {
        request.resume();
        sendToJourney(ctx, decided.result().redirect());
      }
    });
  }

  private void proxy(RoutingContext ctx, Identity identity) {
    Target target = null;
    String path = ctx.normalizedPath();
    String host = requestHost(ctx.request());
    for (Target t : upstreams) {
      if (t.upstream().serves(host, path)) {
        target = t;
        break;
      }
    }
    if (target == null) {
      ctx.request().resume();
      pages.error(ctx, 502, "gateway.noUpstream");
      return;
    }
    // One small proxy per request, so the interceptor knows whose request it shapes; the HTTP
    // client (and its connection pool) is the verticle's.
    Upstream upstream = target.upstream();
    SocketAddress server = target.server();
    // Latency per upstream: the route label names the upstream (bounded: one per configured upstream).
    ctx.request().routed(upstream.routeLabel());
    HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
        .origin(proxyContext -> proxyContext.client().request(new RequestOptions()
                .setServer(server)
                .setHost(upstream.host()).setPort(upstream.port()).setSsl(upstream.ssl())
                .setConnectTimeout(settings.connectTimeout().toMillis()))
            .onSuccess(origin -> {
              // Failures after the proxy has its answer (the member's request broke off, so the portal
              // request was reset) were otherwise logged by Vert.x as ERRORs without a handler: one per
              // broken request, for any client to produce. A WebSocket's connection closing is how it
              // ends, not a failure.
              boolean webSocket = proxyContext.isWebSocket();
              origin.exceptionHandler(err -> {
                if (webSocket) {
                  LOG.debug("portal WebSocket closed path={}: {}", path, err.getMessage());
                } else {
                  LOG.info("portal request ended early path={}: {}", path, err.getMessage());
                }
              });
              if (!webSocket) {
                answerWithin(ctx.request(), origin);
              }
            }))
        .addInterceptor(new IdentityInterceptor(ctx, identity, settings.headers(), forwarding, cookies, this::errorPage), true);
    proxy.handle(ctx.request());
  }

  /**
   * The portal must start answering within the response timeout, counted from the moment the
   * whole request has been passed on: a large upload over a slow line may take longer than that
   * and is not cut off. (A WebSocket may stay quiet for long and gets no such limit.)
   */
  private void answerWithin(HttpServerRequest inbound, HttpClientRequest origin) {
    inbound.end().onComplete(received -> {
      if (!origin.response().isComplete()) {
        origin.idleTimeout(settings.responseTimeout().toMillis());
      }
    });
  }

  /**
   * Not through yet: a page navigation is remembered and sent to the journey; a WebSocket or a
   * script call gets a plain 401 it can act on.
   */
  private void sendToJourney(RoutingContext ctx, String target) {
    HttpServerRequest request = ctx.request();
    if (request.canUpgradeToWebSocket() || (Pages.wantsJson(ctx))) {
      Pages.json(ctx, 401, "not_signed_in", "Sign in through " + Journey.LOGIN + " first.");
      return;
    }
    if (Navigation.isPage(request.method().name(), request)) {
      Journey.rememberReturnTo(ctx.session(), request.uri());
    }
    pages.redirect(ctx, target);
  }

  /** The request's host name, lower case, without port. */
  static String requestHost(HttpServerRequest request) {
    return request.authority() == null ? "" : AccessRules.host(request.authority().host());
  }

  private String errorPage(RoutingContext ctx, int status) {
    String lang = i18n.language(ctx);
    String key = status == 504 ? "gateway.upstreamTimeout" : "gateway.upstreamDown";
    return templates.render("error", new JsonObject()
        .put("t", i18n.messages(lang)).put("lang", lang).put("otherLang", "ja".equals(lang) ? "en" : "ja")
        .put("status", status).put("message", i18n.text(lang, key)));
  }
}
