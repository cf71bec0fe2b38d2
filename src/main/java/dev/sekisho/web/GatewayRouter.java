package dev.sekisho.web;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.Comparator;
import java.util.List;

/**
 * Assembles the router from route modules, phase by phase ({@link MountPhase}'s order), so the
 * order that keeps the gateway safe is data rather than the order of lines in one method. It also
 * publishes what it mounted, for tests that prove a property of every route or of the order.
 */
public final class GatewayRouter {
  /** Name of the local map holding the router's routes and mounted modules, for tests. */
  public static final String ROUTES_MAP = "sekisho.routes";

  private GatewayRouter() {
  }

  /** Mounts the modules in phase order; modules of one phase keep the order they are listed in. */
  public static Router assemble(Vertx vertx, List<RouteModule> modules) {
    List<RouteModule> ordered = inMountOrder(modules);
    Router router = Router.router(vertx);
    for (RouteModule module : ordered) {
      module.mount(router);
    }
    publish(vertx, router, ordered);
    return router;
  }

  /** A stable sort by phase: the mount order. */
  public static List<RouteModule> inMountOrder(List<RouteModule> modules) {
    return modules.stream().sorted(Comparator.comparing(RouteModule::phase)).toList();
  }

  /**
   * Lists the routes with a path and their methods (empty = any method), and the mounted modules
   * as "PHASE:name", in this Vert.x instance's local map: the CSRF test enumerates every
   * state-changing route from it, so a route added later is covered without anyone remembering
   * to add it to a test; the routing test checks the phases of the modules actually mounted.
   */
  private static void publish(Vertx vertx, Router router, List<RouteModule> ordered) {
    JsonArray routes = new JsonArray();
    for (var route : router.getRoutes()) {
      if (route.getPath() == null) {
        continue;
      }
      JsonArray methods = new JsonArray();
      if (route.methods() != null) {
        route.methods().forEach(m -> methods.add(m.name()));
      }
      routes.add(new JsonObject().put("path", route.getPath()).put("methods", methods));
    }
    JsonArray mounted = new JsonArray();
    ordered.forEach(m -> mounted.add(m.phase() + ":" + m.name()));
    vertx.sharedData().getLocalMap(ROUTES_MAP).put("routes", routes);
    vertx.sharedData().getLocalMap(ROUTES_MAP).put("modules", mounted);
  }
}
