package dev.sekisho.imports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/** One import job as stored: its dry-run report, its progress and its outcome. */
public record ImportJob(long id, String state, String fileName, String checkedBy, String startedBy, int total,
                        int toInsert, int toUpdate, int refused, JsonArray problems, int done, int inserted, int updated,
                        int passwordsIssued, int resumes, String error, OffsetDateTime createdAt,
                        OffsetDateTime startedAt, OffsetDateTime finishedAt) {
  static final String COLUMNS = "id, state, file_name, checked_by, started_by, total, to_insert, to_update, refused, "
      + "problems, done, inserted, updated, passwords_issued, resumes, error, created_at, started_at, finished_at";

  static ImportJob from(Row row) {
    Object problems = row.getValue("problems");
    return new ImportJob(row.getLong("id"), row.getString("state"), row.getString("file_name"),
        row.getString("checked_by"), row.getString("started_by"), row.getInteger("total"), row.getInteger("to_insert"),
        row.getInteger("to_update"), row.getInteger("refused"),
        problems instanceof JsonArray array ? array : new JsonArray(String.valueOf(problems)),
        row.getInteger("done"), row.getInteger("inserted"), row.getInteger("updated"), row.getInteger("passwords_issued"),
        row.getInteger("resumes"), row.getString("error"), row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"));
  }

  /** Checked and clean: a staff member may start it. */
  public boolean startable() {
    return "checked".equals(state);
  }

  /** Waiting for or being worked on by a gateway process. */
  public boolean inProgress() {
    return "queued".equals(state) || "running".equals(state);
  }

  /** Rows applied, in whole percent of the rows to apply. */
  public int percent() {
    return total == 0 ? 100 : (int) (100L * done / total);
  }

  /** The API's and the console's view. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("state", state)
        .put("fileName", fileName)
        .put("checkedBy", checkedBy)
        .put("startedBy", startedBy)
        .put("report", new JsonObject().put("rows", total).put("toInsert", toInsert).put("toUpdate", toUpdate)
            .put("refused", refused).put("problems", problems))
        .put("progress", new JsonObject().put("done", done).put("total", total).put("percent", percent()))
        .put("result", new JsonObject().put("inserted", inserted).put("updated", updated)
            .put("passwordsIssued", passwordsIssued))
        .put("resumes", resumes)
        .put("error", error)
        .put("createdAt", text(createdAt))
        .put("startedAt", text(startedAt))
        .put("finishedAt", text(finishedAt));
  }

  private static String text(OffsetDateTime at) {
    return at == null ? null : at.toString();
  }
}
