package dev.sekisho.config;

/**
 * How the gateway was started, chosen by the command and never by a configuration key, so the two
 * cannot be confused: {@code run} (the default, the README's first command) is the development run
 * with its embedded parts; {@code start} is production, which refuses to start while any
 * development part is on. Code that behaves differently in development (the generated admin token,
 * the dev mailbox) asks {@link dev.sekisho.launcher.Settings#mode()} and nothing else.
 */
public enum RunMode {
  DEVELOPMENT("run"),
  PRODUCTION("start");

  private final String command;

  RunMode(String command) {
    this.command = command;
  }

  /** The jar's command that selects this mode. */
  public String command() {
    return command;
  }

  public boolean production() {
    return this == PRODUCTION;
  }
}
