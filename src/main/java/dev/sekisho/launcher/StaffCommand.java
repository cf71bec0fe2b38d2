package dev.sekisho.launcher;

import dev.sekisho.staff.Role;
import dev.sekisho.staff.StaffStore;
import dev.sekisho.staff.StaffPaths;
import io.vertx.sqlclient.Pool;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code staff add ID --role ROLE [--name NAME]}: creates a staff account (the first administrator,
 * typically) and prints its one-time set-up link. It runs in its own short-lived process, so
 * waiting for the database is fine here.
 */
public final class StaffCommand {
  static final String USAGE = "Usage: java -jar sekisho.jar staff add ID --role admin|operator|helpdesk|auditor [--name NAME]";

  private StaffCommand() {}

  public static int run(String[] args, io.vertx.core.json.JsonObject config, PrintStream out, PrintStream err) {
    Request request = Request.parse(args);
    if (request == null) {
      err.println(USAGE);
      return 2;
    }
    Settings settings = Settings.from(config);
    try (CommandDatabase db = CommandDatabase.open(settings, 1)) {
      Pool pool = db.pool();
      String token = new StaffStore(pool).add(request.id(), request.name(), request.role(), "command-line")
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      out.println("Staff account " + request.id() + " (" + request.role().key() + ") created. Set-up link, valid "
          + StaffStore.SETUP_VALID.toHours() + " hours and once:");
      out.println(StaffPaths.setupLink(settings.web().publicOrigin(), token));
      return 0;
    } catch (java.util.concurrent.ExecutionException e) {
      err.println(e.getCause() instanceof StaffStore.Taken
          ? "Staff ID " + request.id() + " is already in use by an account that is set up; nothing was changed."
          : "Could not add the staff account: " + e.getCause().getMessage());
      return 1;
    } catch (Exception e) {
      err.println("Could not add the staff account: " + e.getMessage());
      return 1;
    }
  }

  /** The parsed command line, or null when it does not fit {@link #USAGE}. */
  record Request(String id, Role role, String name) {
    static Request parse(String[] args) {
      if (args.length < 5 || !"add".equals(args[1]) || !args[2].matches("[A-Za-z0-9._@-]{2,64}")) {
        return null;
      }
      Role role = null;
      String name = args[2];
      for (int i = 3; i + 1 < args.length; i += 2) {
        switch (args[i]) {
          case "--role" -> role = Role.parse(args[i + 1]);
          case "--name" -> name = args[i + 1];
          default -> {
            return null;
          }
        }
      }
      return role == null || (args.length - 3) % 2 != 0 ? null : new Request(args[2], role, name);
    }
  }
}
