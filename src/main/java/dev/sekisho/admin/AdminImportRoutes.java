package dev.sekisho.admin;

import dev.sekisho.imports.ImportJob;
import dev.sekisho.imports.ImportJobs;
import dev.sekisho.member.ImportNotUtf8;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;

/**
 * Member imports as background jobs over the JSON API (issue 16 item 5):
 * {@code POST /imports?dryRun=true} checks a file and reports what it would do (200, changing no
 * member); {@code POST /imports} (dryRun=false) checks it and, when clean, queues it (202 with the
 * job's id and Location); {@code POST /imports/{importId}/start} starts a checked job (202);
 * {@code GET /imports/{importId}} is its report, progress and result; {@code GET /imports} the latest.
 * The synchronous {@code POST /members/import} stays as it was, for small files.
 */
public final class AdminImportRoutes {
  static final String IMPORTS = Paths.ADMIN_API + "/imports";
  private static final int LISTED = 50;

  private final ImportJobs jobs;
  private final AdminAuth auth;
  private final AdminReply reply;

  public AdminImportRoutes(ImportJobs jobs, AdminAuth auth, dev.sekisho.audit.AuditLog audit,
                           dev.sekisho.web.ClientAddress clientAddress) {
    this.jobs = jobs;
    this.auth = auth;
    this.reply = new AdminReply(audit, clientAddress);
  }

  public void mount(Router router) {
    router.route(IMPORTS).handler(auth);
    router.route(IMPORTS + "/*").handler(auth);
    router.post(IMPORTS).handler(this::dryRunParam).handler(new ImportUpload(AdminRoutes.MAX_IMPORT_BYTES)).handler(this::upload);
    router.post(IMPORTS + "/:importId/start").handler(this::start);
    router.get(IMPORTS + "/:importId").handler(this::view);
    router.get(IMPORTS).handler(this::list);
  }

  /** Checked before the body is read: a malformed call is refused without spooling a large file. */
  private void dryRunParam(RoutingContext ctx) {
    String dryRun = ctx.request().getParam("dryRun");
    if (dryRun != null && !dryRun.equals("true") && !dryRun.equals("false")) {
      reply.refuse(ctx, null, null, "admin.imports.check", 400, "bad_dry_run", "dryRun must be true or false.");
      return;
    }
    ctx.next();
  }

  private void upload(RoutingContext ctx) {
    boolean dryRun = "true".equals(ctx.request().getParam("dryRun"));
    Path file = ctx.get(ImportUpload.FILE);
    String name = ctx.request().getParam("name");
    jobs.check(file, name == null ? null : name.substring(0, Math.min(200, name.length())), AdminAuth.staffId(ctx), !dryRun)
        .onComplete(checked -> {
          if (checked.failed() && checked.cause() instanceof ImportNotUtf8) {
            reply.refuse(ctx, null, null, "admin.imports.check", 400, "not_utf8", "The member file must be UTF-8 text.");
            return;
          }
          if (checked.failed()) {
            reply.fail(ctx, "admin.imports.check", checked.cause());
            return;
          }
          ImportJob job = checked.result();
          JsonObject body = job.toJson();
          JsonObject detail = new JsonObject().put("job", job.id()).put("rows", job.total()).put("refused", job.refused())
              .put("dryRun", dryRun);
          String outcome = "rejected".equals(job.state()) ? "rejected" : "ok";
          reply.audit(ctx, null, null, dryRun ? "admin.imports.check" : "admin.imports.start", outcome, detail)
              .onComplete(v -> {
                if (dryRun) {
                  Pages.json(ctx, 200, body);
                } else if ("rejected".equals(job.state())) {
                  Pages.json(ctx, 422, new JsonObject().put("error", new JsonObject().put("code", "import_rejected")
                      .put("message", job.refused() + " line(s) refused; nothing was loaded")
                      .put("problems", job.problems()).put("job", job.id())));
                } else {
                  accepted(ctx, body);
                }
              });
        });
  }

  private void start(RoutingContext ctx) {
    Long id = jobId(ctx);
    if (id == null) {
      return;
    }
    jobs.start(id, AdminAuth.staffId(ctx)).compose(started -> jobs.find(id).map(job -> started ? job : notStarted(job)))
        .onComplete(result -> {
          if (result.failed() && result.cause() instanceof NotStartable refused) {
            reply.refuse(ctx, null, null, "admin.imports.start", refused.status, refused.code, refused.getMessage());
          } else if (result.failed()) {
            reply.fail(ctx, "admin.imports.start", result.cause());
          } else {
            reply.audit(ctx, null, null, "admin.imports.start", "ok", new JsonObject().put("job", id))
                .onComplete(v -> accepted(ctx, result.result().toJson()));
          }
        });
  }

  /** Why a job did not start: unknown (404) or not in state checked (409). */
  private static final class NotStartable extends RuntimeException {
    final int status;
    final String code;

    NotStartable(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /** A start that did not queue: a job started already is answered as it is (a retried start is harmless). */
  private static ImportJob notStarted(ImportJob job) {
    if (job == null) {
      throw new NotStartable(404, "no_import", "No import job has this id.");
    }
    if (job.inProgress() || "done".equals(job.state())) {
      return job;
    }
    throw new NotStartable(409, "not_startable", "Only a checked job without refused lines can start; this one is "
        + job.state() + ".");
  }

  private static void accepted(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.LOCATION, IMPORTS + "/" + body.getLong("id"));
    Pages.json(ctx, 202, body);
  }

  private void view(RoutingContext ctx) {
    Long id = jobId(ctx);
    if (id == null) {
      return;
    }
    jobs.find(id).onComplete(found -> {
      if (found.failed()) {
        reply.fail(ctx, "admin.imports.view", found.cause());
      } else if (found.result() == null) {
        reply.refuse(ctx, null, null, "admin.imports.view", 404, "no_import", "No import job has this id.");
      } else {
        reply.ok(ctx, null, null, "admin.imports.view", new JsonObject().put("job", id), found.result().toJson());
      }
    });
  }

  private void list(RoutingContext ctx) {
    jobs.recent(LISTED).onComplete(found -> {
      if (found.failed()) {
        reply.fail(ctx, "admin.imports.list", found.cause());
        return;
      }
      JsonArray listed = new JsonArray();
      // The list leaves each job's problems out; GET /imports/{id} has them.
      found.result().forEach(job -> listed.add(job.toJson().put("report", job.toJson().getJsonObject("report").copy()
          .put("problems", null))));
      reply.ok(ctx, null, null, "admin.imports.list", null, new JsonObject().put("imports", listed));
    });
  }

  /** The path's job id, or null after answering 400. */
  private Long jobId(RoutingContext ctx) {
    String text = ctx.pathParam("importId");
    if (text != null && text.matches("[0-9]{1,18}")) {
      return Long.parseLong(text);
    }
    reply.refuse(ctx, null, null, "admin.imports.view", 400, "bad_id", "An import job's id is a number.");
    return null;
  }
}
