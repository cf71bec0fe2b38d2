package dev.sekisho.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * The gateway test set-up most test classes share: one in-JVM gateway per class, started before
 * the class's first test (and before its own {@code @BeforeAll} methods) and closed after its last.
 * <pre>
 *   &#64;RegisterExtension
 *   static final GatewayExtension gateway = GatewayExtension.defaults();
 * </pre>
 * It is a {@link TestGateway}, so the tests use it as before ({@code gateway.client()} ...).
 */
public final class GatewayExtension extends TestGateway implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> overrides;
  private boolean started;

  private GatewayExtension(Map<String, String> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  /** A gateway with the test defaults (see {@link TestGateway#start(Map)}). */
  public static GatewayExtension defaults() {
    return new GatewayExtension(Map.of());
  }

  /** A gateway with these dotted configuration keys over the test defaults. */
  public static GatewayExtension with(Map<String, String> overrides) {
    return new GatewayExtension(overrides);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startWith(overrides);
    started = true;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (started) {
      started = false;
      close();
    }
  }
}
