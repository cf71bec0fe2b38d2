package dev.sekisho.admin;

import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a request does not match the description, as the admin API's error: {@code bad_<name>} for
 * the parameter or body field at fault (the codes the routes' own checks use), {@code bad_json}
 * for a body that is not the described JSON, {@code bad_content_type} for one sent as something
 * else; the message names the place and points to the description; detail is the validator's words.
 */
record AdminApiProblem(String code, String message, String detail) {
  private static final String SEE = " (see GET " + AdminApiGate.DOCUMENT + ").";
  private static final Pattern QUOTED = Pattern.compile("\"([A-Za-z0-9_]+)\"|'([A-Za-z0-9_]+)'");

  AdminApiProblem(String parameter, String detail) {
    this("bad_" + parameter, parameter + " is not valid" + SEE, detail);
  }

  static AdminApiProblem of(ValidatorException invalid, Operation operation) {
    String detail = String.valueOf(invalid.getMessage());
    for (Parameter parameter : operation.getParameters()) {
      String name = parameter.getName();
      if (detail.contains("parameter " + name + " ") || detail.endsWith("parameter " + name)
          || detail.contains("parameter " + name + ".")) {
        return new AdminApiProblem(name, detail);
      }
    }
    if (invalid.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return new AdminApiProblem("bad_content_type", "Send the body as JSON (Content-Type: application/json)" + SEE, detail);
    }
    if (invalid instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      OutputUnit unit = mostSpecific(schema.getOutputUnit());
      String field = unit == null ? null : field(unit);
      if (field != null) {
        String what = String.valueOf(unit.getKeywordLocation()).endsWith("additionalProperties")
            ? " is not a field of this call" : " is missing or not valid";
        return new AdminApiProblem("bad_" + field, field + what + SEE,
            unit.getError() + " at " + unit.getInstanceLocation());
      }
    }
    return new AdminApiProblem("bad_json", "The body must be the JSON object this call describes" + SEE, detail);
  }

  /**
   * The error deepest in the schema: for {"password": "short"} the length rule rather than the
   * enclosing "does not match" (vertx-json-schema also lists an additionalProperties error there).
   */
  private static OutputUnit mostSpecific(OutputUnit unit) {
    List<OutputUnit> errors = unit.getErrors();
    OutputUnit best = null;
    for (OutputUnit error : errors == null ? List.<OutputUnit>of() : errors) {
      if (best == null || String.valueOf(error.getKeywordLocation()).length() > String.valueOf(best.getKeywordLocation()).length()) {
        best = error;
      }
    }
    return best;
  }

  /** The top-level body field at fault: where the error is ("#/password"), or the property a root error names. */
  private static String field(OutputUnit unit) {
    String location = String.valueOf(unit.getInstanceLocation()).replaceFirst("^#?/?", "");
    if (!location.isEmpty()) {
      String first = location.split("/")[0];
      return first.matches("[A-Za-z0-9_]+") ? first : null;
    }
    Matcher named = QUOTED.matcher(String.valueOf(unit.getError()));
    return named.find() ? (named.group(1) != null ? named.group(1) : named.group(2)) : null;
  }
}
