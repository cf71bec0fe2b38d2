package dev.sekisho.admin;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.LoginIds;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.FormBodies;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ValidatorException;

/**
 * The door of the admin API, before any of its routes: serves the description (no token needed:
 * it describes calls, not data), then for every other call checks the token ({@link AdminAuth}),
 * finds the call in the description (404 when it is not described, so an undocumented call cannot
 * be reached), reads its JSON body and checks the request against the description. A request that
 * does not match gets 400 {@code bad_<parameter>} (or {@code bad_json}, {@code bad_content_type}),
 * audited under the call's own audit kind like the routes' own refusals, and never reaches them.
 */
public final class AdminApiGate {
  public static final String DOCUMENT = Paths.ADMIN_API + "/openapi.json";
  /** The JSON bodies of the admin calls; the member file is streamed (up to {@link AdminRoutes#MAX_IMPORT_BYTES}). */
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String OPERATION = "sekisho.adminOperation";

  private final AdminApiDescription description;
  private final AdminAuth auth;
  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final FormBodies bodies = FormBodies.limitedTo(MAX_BODY_BYTES);

  public AdminApiGate(AdminApiDescription description, AdminAuth auth, AuditLog audit, ClientAddress clientAddress) {
    this.description = description;
    this.auth = auth;
    this.audit = audit;
    this.clientAddress = clientAddress;
  }

  public void mount(Router router) {
    router.get(DOCUMENT).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(description.document()));
    router.route(Paths.ADMIN_API + "/*").handler(auth).handler(this::findAndRead).handler(this::validate);
  }

  private void findAndRead(RoutingContext ctx) {
    Operation operation = description.find(ctx.request().method(), ctx.normalizedPath());
    if (operation == null) {
      Pages.json(ctx, 404, "not_found", "No such admin API call (the calls are listed in GET " + DOCUMENT + ").");
      return;
    }
    ctx.put(OPERATION, operation);
    if (AdminApiDescription.streamed(operation)) {
      // Its handler streams the body to disk: hold it, unread, until the check below is done.
      ctx.request().pause();
      ctx.next();
    } else {
      bodies.handle(ctx);
    }
  }

  private void validate(RoutingContext ctx) {
    Operation operation = ctx.get(OPERATION);
    AdminApiRequest request;
    try {
      request = AdminApiRequest.of(ctx, operation);
    } catch (AdminApiRequest.Undecodable bad) {
      refuse(ctx, operation, new AdminApiProblem(bad.parameter(), bad.getMessage()));
      return;
    }
    description.validator().validate(request.validatable(), operation.getOperationId()).onComplete(result -> {
      if (result.succeeded()) {
        ctx.addEndHandler(ended -> auditUnrecordedRefusal(ctx, operation));
        ctx.next();
      } else if (result.cause() instanceof ValidatorException invalid) {
        refuse(ctx, operation, AdminApiProblem.of(invalid, operation));
      } else {
        ctx.fail(result.cause());
      }
    });
  }

  private void refuse(RoutingContext ctx, Operation operation, AdminApiProblem problem) {
    String loginId = userId(ctx, operation);
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    AuditEvent event = AdminAuth.named(ctx, AuditEvent.of(null, loginId, AdminApiDescription.auditKind(operation),
        problem.code(), client)).with(new JsonObject().put("status", 400));
    audit.record(event).onComplete(v -> {
      if (AdminApiDescription.streamed(operation)) {
        // The streamed body was never read: close rather than read it.
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      }
      ctx.response().setStatusCode(400)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(new JsonObject().put("error", new JsonObject().put("code", problem.code()).put("message", problem.message())
              .put("problems", new JsonArray().add(problem.detail()))).encode());
    });
  }

  /**
   * A call its route refused (4xx: no such member, bad input, a conflict) without recording an
   * audit event gets one here, under the call's own kind, with the error code as the outcome: every
   * refused admin call leaves a trace, whichever route refused it and however.
   */
  private void auditUnrecordedRefusal(RoutingContext ctx, Operation operation) {
    int status = ctx.response().getStatusCode();
    if (status < 400 || status >= 500 || ctx.get(AdminAuth.AUDITED) != null) {
      return;
    }
    String code = ctx.get(Pages.ERROR_CODE);
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    audit.record(AdminAuth.named(ctx, AuditEvent.of(null, userId(ctx, operation), AdminApiDescription.auditKind(operation),
        code == null ? "refused" : code, client)).with(new JsonObject().put("status", status)));
  }

  /** The member the refused call was about, when its path names one that could be a user ID. */
  private static String userId(RoutingContext ctx, Operation operation) {
    String raw;
    try {
      raw = AdminApiRequest.pathParameter(ctx, operation, "userId");
    } catch (AdminApiRequest.Undecodable bad) {
      return null;
    }
    String id = raw == null ? null : LoginIds.normalize(raw);
    return id == null || id.isEmpty() || id.length() > 64 || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? null : id;
  }
}
