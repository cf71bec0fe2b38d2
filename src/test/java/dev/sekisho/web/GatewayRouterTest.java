package dev.sekisho.web;

import dev.sekisho.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router's order is security (the session, body and CSRF handlers before the member pages;
 * the admin API and the portal without a member session), and it is data: these tests pin the
 * phases' order and check the modules a real gateway mounted.
 */
class GatewayRouterTest {

  @Test
  void thePhasesComeInTheirSecurityOrder() {
    assertThat(MountPhase.values()).containsExactly(MountPhase.REQUEST_GUARDS, MountPhase.HOT_PATHS,
        MountPhase.OPERATIONS, MountPhase.STATIC, MountPhase.PORTAL, MountPhase.ADMIN_API, MountPhase.SESSION,
        MountPhase.FORMS_AND_CSRF, MountPhase.MEMBER_PAGES, MountPhase.FALLBACK);
  }

  @Test
  void modulesAreMountedByPhaseWhateverOrderTheyAreListedIn() {
    List<String> mounted = new ArrayList<>();
    List<RouteModule> listed = List.of(
        RouteModule.of(MountPhase.MEMBER_PAGES, "pages-1", r -> mounted.add("pages-1")),
        RouteModule.of(MountPhase.FORMS_AND_CSRF, "csrf", r -> mounted.add("csrf")),
        RouteModule.of(MountPhase.MEMBER_PAGES, "pages-2", r -> mounted.add("pages-2")),
        RouteModule.of(MountPhase.REQUEST_GUARDS, "guards", r -> mounted.add("guards")),
        RouteModule.of(MountPhase.SESSION, "session", r -> mounted.add("session")));
    Vertx vertx = Vertx.vertx();
    try {
      GatewayRouter.assemble(vertx, listed);
    } finally {
      vertx.close();
    }
    assertThat(mounted).containsExactly("guards", "session", "csrf", "pages-1", "pages-2");
  }

  @Test
  void aRunningGatewayMountsItsSecurityHandlersBeforeEveryMemberPage() {
    try (TestGateway gateway = TestGateway.start()) {
      JsonArray published = (JsonArray) gateway.vertx().sharedData().getLocalMap(GatewayRouter.ROUTES_MAP).get("modules");
      List<String> modules = new ArrayList<>();
      published.forEach(m -> modules.add((String) m));

      assertThat(modules.get(0)).startsWith("REQUEST_GUARDS:");
      assertThat(modules).contains("HOT_PATHS:otp-api-check", "SESSION:session", "FORMS_AND_CSRF:csrf",
          "MEMBER_PAGES:login", "FALLBACK:not-found");
      int lastSecurityHandler = Math.max(modules.indexOf("SESSION:session"), modules.indexOf("FORMS_AND_CSRF:csrf"));
      int firstMemberPage = indexOfFirst(modules, "MEMBER_PAGES:");
      assertThat(lastSecurityHandler).as("session and CSRF before the member pages: %s", modules)
          .isLessThan(firstMemberPage);
      assertThat(indexOfFirst(modules, "ADMIN_API:")).as("the admin API needs no member session")
          .isLessThan(modules.indexOf("SESSION:session"));
      List<String> phases = modules.stream().map(m -> m.substring(0, m.indexOf(':'))).toList();
      assertThat(phases).as("mounted in phase order").isSortedAccordingTo(
          (a, b) -> MountPhase.valueOf(a).compareTo(MountPhase.valueOf(b)));
    }
  }

  private static int indexOfFirst(List<String> modules, String prefix) {
    for (int i = 0; i < modules.size(); i++) {
      if (modules.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no module " + prefix + " in " + modules);
  }
}
