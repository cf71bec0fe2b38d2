package dev.sekisho.gateway;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.journey.Journey;
import dev.sekisho.rules.AccessRule;
import dev.sekisho.rules.AccessRules;
import dev.sekisho.session.MemberSession;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * Forward-auth, for deployments where nginx, Traefik or Caddy stays the reverse proxy and asks the
 * gateway about each request.
 *
 * <ul>
 *   <li>{@code /sekisho/auth/verify}: 200 with the identity headers for a session through the
 *   whole journey; otherwise 401 (nginx {@code auth_request}), or with {@code ?mode=redirect} (or
 *   header {@code X-Sekisho-Auth-Mode: redirect}) a 302 to the journey with the original URL
 *   remembered (Traefik ForwardAuth, Caddy {@code forward_auth} pass that answer to the browser).</li>
 *   <li>{@code /sekisho/auth/start}: remembers the original URL and sends the browser into the
 *   journey; nginx's {@code error_page 401} goes here.</li>
 * </ul>
 * The original URL is read from X-Original-URL / X-Original-URI / X-Forwarded-Uri only when the
 * caller is a configured trusted proxy, or from {@code ?rd=}; either way only a same-site path is kept.
 * Both answer any method, ahead of the CSRF check: nginx asks with the method of the original
 * request, and neither changes anything but the visitor's own return-to path.
 */
public final class ForwardAuthRoutes {
  public static final String VERIFY = Paths.PREFIX + "/auth/verify";
  public static final String START = Paths.PREFIX + "/auth/start";

  private final GatewayAccess access;
  private final IdentityHeaders names;
  private final GatewaySettings settings;
  private final Forwarding forwarding;
  private final ClientAddress clientAddress;
  private final Pages pages;

  public ForwardAuthRoutes(GatewayAccess access, GatewaySettings settings, ClientAddress clientAddress, Pages pages) {
    this.access = access;
    this.names = settings.headers();
    this.settings = settings;
    this.forwarding = new Forwarding(clientAddress);
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  /** Mount after the session handler and before the body and CSRF handlers. */
  public void mount(Router router) {
    router.route(VERIFY).handler(this::verify);
    router.route(START).handler(this::start);
  }

  private void verify(RoutingContext ctx) {
    String posing = posingHeader(ctx);
    if (posing != null) {
      // The proxy would pass this header on to the portal untouched: refuse rather than vouch.
      Pages.json(ctx, 403, "identity_header_refused", "The request carries the header " + posing
          + ", which poses as an identity the gateway vouches for; clients may not send it.");
      return;
    }
    if (isWebSocketHandshake(ctx) && !settings.allowsWebSocketFrom(ctx.request().getHeader(HttpHeaders.ORIGIN))) {
      Pages.json(ctx, 403, "origin_refused", "WebSocket connections are accepted only from the portal's own pages.");
      return;
    }
    String original = forwarding.originalPath(ctx);
    if (original != null && answeredByRule(ctx, original)) {
      return;
    }
    access.decide(ctx.session(), client(ctx), original).onComplete(decided -> {
      if (decided.failed()) {
        ctx.fail(decided.cause());
        return;
      }
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      GatewayAccess.Decision decision = decided.result();
      if (decision.allowed()) {
        decision.identity().writeTo(ctx.response().headers(), names);
        pages.afterSessionStored(ctx, () -> ctx.response().setStatusCode(200).end());
      } else if (wantsRedirect(ctx)) {
        remember(ctx, original);
        pages.afterSessionStored(ctx, () -> ctx.response().setStatusCode(302)
            .putHeader(HttpHeaders.LOCATION, decision.redirect()).end());
      } else {
        // A short reason for whoever calls this by hand; proxies (nginx auth_request) ignore the body.
        Pages.json(ctx, 401, "unauthenticated", "Not signed in (or the session ended): start at " + Paths.LOGIN + ".");
      }
    });
  }

  /**
   * The per-path rules (gateway.rules), as the reverse proxy applies them, on the original request
   * the trusted proxy names: public is 200 without identity headers, deny (and a path that cannot
   * be normalised) 403, which nginx, Traefik and Caddy all pass on. Member goes on to the session.
   */
  private boolean answeredByRule(RoutingContext ctx, String original) {
    int query = original.indexOf('?');
    String host = ctx.request().getHeader("X-Forwarded-Host");
    if (host == null) {
      host = ctx.request().authority() == null ? null : ctx.request().authority().host();
    }
    AccessRules.Decision rule = settings.rules().decide(AccessRules.host(host == null ? null : host.split(",")[0]),
        query < 0 ? original : original.substring(0, query));
    if (rule.malformed() || rule.action() == AccessRule.Action.DENY) {
      Pages.json(ctx, 403, "denied", "This path is not available" + (rule.malformed() ? " (it cannot be read one way only)." : "."));
      return true;
    }
    if (rule.action() == AccessRule.Action.PUBLIC) {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store").setStatusCode(200).end();
      return true;
    }
    return false;
  }

  private void start(RoutingContext ctx) {
    String original = forwarding.originalPath(ctx);
    if (original == null) {
      original = ctx.request().getParam("rd");
    }
    String target = original;
    access.decide(ctx.session(), client(ctx), original).onComplete(decided -> {
      if (decided.failed()) {
        ctx.fail(decided.cause());
      } else if (decided.result().allowed()) {
        // Already through (another tab finished the journey): straight back.
        pages.redirect(ctx, Journey.isSafeReturnTo(target) ? target : "/");
      } else {
        remember(ctx, target);
        pages.redirect(ctx, decided.result().redirect());
      }
    });
  }

  private void remember(RoutingContext ctx, String original) {
    String originalMethod = clientAddress.isTrustedProxy(ctx) ? ctx.request().getHeader("X-Forwarded-Method") : null;
    String method = originalMethod == null ? ctx.request().method().name() : originalMethod;
    // The proxy passes the browser's own Sec-Fetch-Dest and Accept on to these answers.
    if (original != null && Navigation.isPage(method, ctx.request()) && ctx.session() != null
        && MemberSession.level(ctx.session()) != MemberSession.Level.COMPLETE) {
      Journey.rememberReturnTo(ctx.session(), original);
    }
  }

  /** The first client header that poses as an identity and that the proxy in front would not replace; null if none. */
  private String posingHeader(RoutingContext ctx) {
    List<String> exact = names.all();
    for (Map.Entry<String, String> header : ctx.request().headers()) {
      if (names.posing().unreplaceableByTheProxy(header.getKey(), exact)) {
        return header.getKey();
      }
    }
    return null;
  }

  /**
   * A WebSocket opening, as the proxy passes it on: nginx drops the hop-by-hop {@code Upgrade}
   * header from the verify call, but the browser's {@code Sec-WebSocket-Key} comes along.
   */
  private static boolean isWebSocketHandshake(RoutingContext ctx) {
    return ctx.request().getHeader("Sec-WebSocket-Key") != null
        || "websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE));
  }

  private static boolean wantsRedirect(RoutingContext ctx) {
    return "redirect".equals(ctx.request().getParam("mode"))
        || "redirect".equalsIgnoreCase(ctx.request().getHeader("X-Sekisho-Auth-Mode"));
  }

  private AuditEvent.Client client(RoutingContext ctx) {
    return new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
  }
}
