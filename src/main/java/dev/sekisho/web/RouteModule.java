package dev.sekisho.web;

import io.vertx.ext.web.Router;

import java.util.function.Consumer;

/**
 * One capability's contribution to the router: the phase its routes belong to and the code that
 * mounts them. Within a phase, modules are mounted in the order they are listed.
 */
public interface RouteModule {
  /** A short name for logs and the routing test, e.g. "csrf" or "login". */
  String name();

  MountPhase phase();

  void mount(Router router);

  static RouteModule of(MountPhase phase, String name, Consumer<Router> mount) {
    return new RouteModule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public MountPhase phase() {
        return phase;
      }

      @Override
      public void mount(Router router) {
        mount.accept(router);
      }

      @Override
      public String toString() {
        return phase + ":" + name;
      }
    };
  }
}
