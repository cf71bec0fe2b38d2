package dev.sekisho.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An admin request as vertx-openapi's validator reads it, taken from the routing context rather than
 * by the library's own extraction: that one decodes query values a second time (a search for "100%"
 * failed to decode), and reads the body from the request, which the body handler has already read.
 * An empty query parameter counts as absent, as the routes read it.
 */
final class AdminApiRequest {
  private final ValidatableRequest validatable;

  private AdminApiRequest(ValidatableRequest validatable) {
    this.validatable = validatable;
  }

  ValidatableRequest validatable() {
    return validatable;
  }

  static AdminApiRequest of(RoutingContext ctx, Operation operation) {
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter parameter : operation.getParameters()) {
      switch (parameter.getIn()) {
        case PATH -> path.put(parameter.getName(), value(parameter, pathParameter(ctx, operation, parameter.getName())));
        case QUERY -> {
          List<String> values = ctx.queryParam(parameter.getName());
          query.put(parameter.getName(), value(parameter, values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0)));
        }
        default -> {
          // The admin API describes no header or cookie parameters (the token is its security scheme).
        }
      }
    }
    if (operation.getRequestBody() == null) {
      return new AdminApiRequest(new ValidatableRequestImpl(Map.of(), Map.of(), path, query));
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    return new AdminApiRequest(new ValidatableRequestImpl(Map.of(), Map.of(), path, query,
        new RequestParameterImpl(body == null || body.length() == 0 ? null : body),
        ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)));
  }

  /**
   * The value as the validator's transformer reads it. A text parameter goes as a JSON string: the
   * transformer reads anything else as JSON first, so a user ID with a double quote could not be
   * "decoded" (400) and one like "-5" or "1.5" became a number and failed its type.
   */
  private static RequestParameter value(Parameter parameter, String raw) {
    if (raw != null && parameter.getSchemaType() == SchemaType.STRING) {
      return new RequestParameterImpl(Json.encode(raw));
    }
    return new RequestParameterImpl(raw);
  }

  /**
   * The decoded path segment that the operation's template names {name}, or null. Percent-decoding
   * only: a '+' in a path is a plus, not a space.
   */
  static String pathParameter(RoutingContext ctx, Operation operation, String name) {
    String[] template = operation.getAbsoluteOpenAPIPath().split("/", -1);
    String[] segments = ctx.normalizedPath().split("/", -1);
    for (int i = 0; i < template.length && i < segments.length; i++) {
      if (template[i].equals("{" + name + "}")) {
        try {
          return URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
          throw new Undecodable(name);
        }
      }
    }
    return null;
  }

  /** A path segment that is not valid percent-encoding. */
  static final class Undecodable extends RuntimeException {
    private final String parameter;

    Undecodable(String parameter) {
      super(parameter + " is not valid percent-encoding.");
      this.parameter = parameter;
    }

    String parameter() {
      return parameter;
    }
  }
}
