package dev.sekisho.factor.rotation;

import dev.sekisho.admin.AdminAuth;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code POST /sekisho/admin/api/secrets/rotate}: re-encrypts every OTP secret under
 * secrets.activeKeyId (run after adding a new key and making it active; then the old key can be
 * removed from secrets.keys once recovery codes were regenerated or are no longer needed).
 */
public final class SecretAdminRoutes {
  private static final String PATH = Paths.ADMIN_API + "/secrets/rotate";

  private final SecretRotation rotation;
  private final String activeKeyId;
  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final AdminAuth auth;

  public SecretAdminRoutes(SecretRotation rotation, String activeKeyId, AuditLog audit, ClientAddress clientAddress, AdminAuth auth) {
    this.rotation = rotation;
    this.activeKeyId = activeKeyId;
    this.audit = audit;
    this.clientAddress = clientAddress;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.post(PATH).handler(auth).handler(ctx -> rotation.rotate().onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
        return;
      }
      JsonObject body = new JsonObject().put("reencrypted", done.result()).put("activeKeyId", activeKeyId);
      audit.record(AdminAuth.named(ctx, AuditEvent.of(null, null, "admin.secrets.rotate", "ok",
              new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT)))).with(body))
          .onComplete(v -> Pages.json(ctx, 200, body));
    }));
  }
}
