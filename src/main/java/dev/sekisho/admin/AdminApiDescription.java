package dev.sekisho.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The admin API's OpenAPI 3.1 description ({@value #RESOURCE}): the document served at
 * {@code /sekisho/admin/api/openapi.json} and the contract every admin request is checked against
 * ({@link AdminApiGate}). Each operation names the audit kind its calls are recorded under
 * ({@value #AUDIT_KIND}); an operation marked {@value #STREAMED} has a body the gateway streams to
 * disk rather than reads (the member file), so its body is described but not validated here
 * (vertx-openapi reads JSON, multipart and text bodies only, and would hold the whole file in memory).
 */
public final class AdminApiDescription {
  public static final String RESOURCE = "openapi/admin-api.json";
  public static final String AUDIT_KIND = "x-sekisho-audit";
  public static final String STREAMED = "x-sekisho-streamed";

  private final String document;
  private final OpenAPIContract contract;
  private final RequestValidator validator;

  private AdminApiDescription(String document, OpenAPIContract contract, RequestValidator validator) {
    this.document = document;
    this.contract = contract;
    this.validator = validator;
  }

  /** Reads and checks the document (a broken one fails the start-up, naming the problem). */
  public static Future<AdminApiDescription> load(Vertx vertx) {
    return vertx.executeBlocking(AdminApiDescription::read, false).compose(text -> {
      JsonObject checked = new JsonObject(text);
      checked.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(operation -> {
        if (operation.getValue() instanceof JsonObject op && op.getBoolean(STREAMED, false)) {
          op.remove("requestBody");
        }
      }));
      return OpenAPIContract.from(vertx, checked)
          .map(contract -> new AdminApiDescription(text, contract, RequestValidator.create(vertx, contract)));
    });
  }

  private static String read() {
    try (InputStream in = AdminApiDescription.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The admin API description " + RESOURCE + " is missing from the class path.");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document as shipped, to serve. */
  public String document() {
    return document;
  }

  public OpenAPIContract contract() {
    return contract;
  }

  RequestValidator validator() {
    return validator;
  }

  /**
   * The operation for this method and absolute path, or null. A literal segment beats a template
   * ({@code POST /members/import} is the import, not a member called "import"), but a template
   * still matches where no literal path has the method ({@code GET /members/import} is that member).
   */
  public Operation find(HttpMethod method, String path) {
    String[] segments = path.split("/", -1);
    Operation best = null;
    int bestLiterals = -1;
    for (Operation operation : contract.operations()) {
      if (!operation.getHttpMethod().equals(method)) {
        continue;
      }
      int literals = literalMatches(operation.getAbsoluteOpenAPIPath().split("/", -1), segments);
      if (literals > bestLiterals) {
        best = operation;
        bestLiterals = literals;
      }
    }
    return best;
  }

  /** How many literal segments match, or -1 when the path does not fit the template. */
  private static int literalMatches(String[] template, String[] segments) {
    if (template.length != segments.length) {
      return -1;
    }
    int literals = 0;
    for (int i = 0; i < template.length; i++) {
      if (template[i].startsWith("{") && template[i].endsWith("}")) {
        if (segments[i].isEmpty()) {
          return -1;
        }
      } else if (template[i].equals(segments[i])) {
        literals++;
      } else {
        return -1;
      }
    }
    return literals;
  }

  /** The audit kind of the operation's calls. */
  public static String auditKind(Operation operation) {
    return operation.getOpenAPIModel().getString(AUDIT_KIND, "admin.request");
  }

  static boolean streamed(Operation operation) {
    return operation.getOpenAPIModel().getBoolean(STREAMED, false);
  }
}
