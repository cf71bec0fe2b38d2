package dev.sekisho.admin;

import io.vertx.core.Handler;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;

/**
 * Streams a member file upload to a temporary file, refusing it (413) past the limit, and hands the
 * file's path to the next handler. The body is never held in memory: with BodyHandler a 60 MiB
 * import was held as a growing buffer, its bytes, its decoded text and every parsed row at once,
 * and ran a 512 MB heap out of memory. The file is deleted when the answer has been sent.
 */
final class ImportUpload implements Handler<RoutingContext> {
  /** Context key of the spooled file's {@link Path}. */
  static final String FILE = "sekisho.importFile";

  private final long limit;

  ImportUpload(long limit) {
    this.limit = limit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (declaredLength(request) > limit) {
      tooLarge(ctx);
      return;
    }
    // Hold the body until the file is open; nothing of it may be dropped meanwhile.
    request.pause();
    FileSystem files = ctx.vertx().fileSystem();
    files.createTempFile("sekisho-import-", ".csv").onComplete(created -> {
      if (created.failed()) {
        ctx.fail(created.cause());
        return;
      }
      Path path = Path.of(created.result());
      ctx.addEndHandler(done -> files.delete(path.toString()));
      files.open(path.toString(), new OpenOptions().setWrite(true).setTruncateExisting(true)).onComplete(opened -> {
        if (opened.failed()) {
          ctx.fail(opened.cause());
        } else {
          copy(ctx, opened.result(), path);
        }
      });
    });
  }

  private void copy(RoutingContext ctx, AsyncFile file, Path path) {
    HttpServerRequest request = ctx.request();
    long[] received = {0};
    request.handler(chunk -> {
      received[0] += chunk.length();
      if (received[0] > limit) {
        request.handler(null);
        file.close();
        tooLarge(ctx);
        return;
      }
      file.write(chunk);
      if (file.writeQueueFull()) {
        request.pause();
        file.drainHandler(v -> request.resume());
      }
    });
    request.exceptionHandler(failure -> file.close());
    request.endHandler(end -> {
      if (ctx.response().ended() || ctx.failed()) {
        return;
      }
      file.close().onComplete(closed -> {
        if (closed.failed()) {
          ctx.fail(closed.cause());
        } else {
          ctx.put(FILE, path);
          ctx.next();
        }
      });
    });
    request.resume();
  }

  /** 413, then the connection closes: the rest of an oversized body is not read. */
  private static void tooLarge(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    ctx.fail(413);
  }

  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
