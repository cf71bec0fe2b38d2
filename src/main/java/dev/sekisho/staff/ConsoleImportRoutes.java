package dev.sekisho.staff;

import dev.sekisho.imports.ImportJob;
import dev.sekisho.imports.ImportJobs;
import dev.sekisho.member.ImportNotUtf8;
import dev.sekisho.web.Pages;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.file.Path;

/**
 * The console's member import: upload a file (the dry-run check: rows to insert, to update and
 * every refused line; no member changes), start it (CSRF, role operator or admin), then watch the
 * job's progress and read its result. The page refreshes itself while the job runs; the same
 * progress is JSON at {@code /imports/{id}/progress}. Backed by {@link ImportJobs}, like the API.
 */
final class ConsoleImportRoutes {
  static final String IMPORTS = StaffPaths.CONSOLE + "/imports";
  /** The member file limit of the JSON API, plus room for the multipart framing and the form's fields. */
  private static final long UPLOAD_LIMIT = 64L * 1024 * 1024 + 64 * 1024;
  private static final int REFRESH_SECONDS = 2;

  private final ImportJobs imports;
  private final StaffGuard guard;
  private final StaffAudit audit;
  private final Pages pages;

  ConsoleImportRoutes(ImportJobs imports, StaffGuard guard, StaffAudit audit, Pages pages) {
    this.imports = imports;
    this.guard = guard;
    this.audit = audit;
    this.pages = pages;
  }

  /**
   * Spools the upload to a temporary directory (deleted when the answer is sent); never held in
   * memory. Only for a signed-in session: nobody else gets a 64 MiB file written to disk (the role
   * and the CSRF token, which is in the body, are checked after).
   */
  static Handler<RoutingContext> uploadBodies(Pages pages) {
    String directory = Path.of(System.getProperty("java.io.tmpdir"), "sekisho-uploads").toString();
    BodyHandler bodies = BodyHandler.create(directory).setBodyLimit(UPLOAD_LIMIT).setDeleteUploadedFilesOnEnd(true)
        .setMergeFormAttributes(true);
    return ctx -> {
      if (ctx.session() == null || ctx.session().get(StaffGuard.SESSION_KEY) == null) {
        pages.redirect(ctx, StaffPaths.LOGIN);
        return;
      }
      bodies.handle(ctx);
    };
  }

  static String jobPath(long id) {
    return IMPORTS + "/" + id;
  }

  void mount(Router router) {
    router.get(IMPORTS).handler(guard.require(Permission.READ)).handler(this::list);
    router.post(IMPORTS).handler(guard.require(Permission.IMPORT)).handler(this::upload);
    router.get(IMPORTS + "/:id").handler(guard.require(Permission.READ)).handler(this::job);
    router.get(IMPORTS + "/:id/progress").handler(guard.require(Permission.READ)).handler(this::progress);
    router.post(IMPORTS + "/:id/start").handler(guard.require(Permission.IMPORT)).handler(this::start);
  }

  private void list(RoutingContext ctx) {
    listPage(ctx, 200, null);
  }

  private void listPage(RoutingContext ctx, int status, String error) {
    imports.recent(20).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      JsonArray jobs = new JsonArray();
      found.result().forEach(job -> jobs.add(view(job)));
      JsonObject model = StaffGuard.model(ctx).put("jobs", jobs);
      if (error != null) {
        model.put("error", error);
      }
      pages.render(ctx, status, "console-imports", model);
    });
  }

  private void upload(RoutingContext ctx) {
    FileUpload file = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst().orElse(null);
    if (file == null || file.size() == 0) {
      listPage(ctx, 400, "imports.errors.noFile");
      return;
    }
    StaffMember staff = StaffGuard.staff(ctx);
    String name = file.fileName() == null ? null : file.fileName().substring(0, Math.min(200, file.fileName().length()));
    imports.check(Path.of(file.uploadedFileName()), name, staff.id(), false).onComplete(checked -> {
      if (checked.failed() && checked.cause() instanceof ImportNotUtf8) {
        audit.record(audit.event(ctx, staff.id(), null, null, "admin.imports.check", "not_utf8", null))
            .onComplete(v -> listPage(ctx, 400, "imports.errors.notUtf8"));
        return;
      }
      if (checked.failed()) {
        ctx.fail(checked.cause());
        return;
      }
      ImportJob job = checked.result();
      audit.record(audit.event(ctx, staff.id(), null, null, "admin.imports.check",
              "rejected".equals(job.state()) ? "rejected" : "ok",
              new JsonObject().put("job", job.id()).put("rows", job.total()).put("refused", job.refused())
                  .put("dryRun", true)))
          .onComplete(v -> pages.redirect(ctx, jobPath(job.id())));
    });
  }

  private void job(RoutingContext ctx) {
    withJob(ctx, job -> {
      JsonObject model = StaffGuard.model(ctx).put("job", view(job));
      if (job.inProgress()) {
        model.put("refreshSeconds", REFRESH_SECONDS);
      }
      if ("1".equals(ctx.request().getParam("started"))) {
        model.put("notice", "imports.started");
      }
      pages.render(ctx, "console-import", model);
    });
  }

  /** For scripts and a page that would rather poll than refresh: no member data, so not audited. */
  private void progress(RoutingContext ctx) {
    withJob(ctx, job -> Pages.json(ctx, 200, new JsonObject().put("id", job.id()).put("state", job.state())
        .put("done", job.done()).put("total", job.total()).put("percent", job.percent())));
  }

  private void start(RoutingContext ctx) {
    withJob(ctx, job -> {
      StaffMember staff = StaffGuard.staff(ctx);
      imports.start(job.id(), staff.id()).onComplete(started -> {
        if (started.failed()) {
          ctx.fail(started.cause());
          return;
        }
        JsonObject detail = new JsonObject().put("job", job.id()).put("rows", job.total());
        if (!started.result()) {
          audit.record(audit.event(ctx, staff.id(), null, null, "admin.imports.start", "not_startable",
                  detail.put("state", job.state())))
              .onComplete(v -> pages.render(ctx, 409, "console-import",
                  StaffGuard.model(ctx).put("job", view(job)).put("error", "imports.errors.notStartable")));
          return;
        }
        audit.record(audit.event(ctx, staff.id(), null, null, "admin.imports.start", "ok", detail))
            .onComplete(v -> pages.redirect(ctx, jobPath(job.id()) + "?started=1"));
      });
    });
  }

  private void withJob(RoutingContext ctx, Handler<ImportJob> then) {
    String text = ctx.pathParam("id");
    if (text == null || !text.matches("[0-9]{1,18}")) {
      pages.error(ctx, 404, "imports.errors.noJob");
      return;
    }
    imports.find(Long.parseLong(text)).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null) {
        pages.error(ctx, 404, "imports.errors.noJob");
      } else {
        then.handle(found.result());
      }
    });
  }

  /** The job as the templates read it: its JSON, with the flags a template cannot compute. */
  private static JsonObject view(ImportJob job) {
    return job.toJson().put("path", jobPath(job.id())).put("startable", job.startable()).put("inProgress", job.inProgress())
        .put("rejected", "rejected".equals(job.state())).put("done", "done".equals(job.state()))
        .put("failed", "failed".equals(job.state()));
  }
}
