package dev.sekisho.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code java -jar sekisho.jar bench}: the load generator is not among the production classes (it is
 * {@code sekisho-bench.jar}, built beside it by {@code mvn package}). This command runs it from that
 * jar when it lies next to sekisho.jar, else from the copy sekisho.jar carries as a nested jar
 * ({@value #NESTED}, off the class path), so kits that copy sekisho.jar alone (the devbench) can run
 * the bench; a jar built without it says where to get it.
 */
final class BenchLauncher {
  static final String BENCH_JAR = "sekisho-bench.jar";
  static final String NESTED = "/META-INF/sekisho/" + BENCH_JAR;
  private static final String COMMAND_CLASS = "dev.sekisho.bench.BenchCommand";

  private BenchLauncher() {
  }

  /** Runs the bench with args (args[0] is "bench"); returns its exit status, 2 when it is not there. */
  static int run(String[] args, PrintStream out) {
    try {
      Class<?> command = commandClass();
      if (command == null) {
        out.println("The load generator is not in this jar: put " + BENCH_JAR + " (built by `mvn package` into"
            + " target/ beside sekisho.jar) next to " + ownJar() + ", or run `java -jar " + BENCH_JAR + "`.");
        return 2;
      }
      Method run = command.getMethod("run", String[].class, PrintStream.class);
      return (Integer) run.invoke(null, args, out);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(BENCH_JAR + " does not match this sekisho.jar: " + e, e);
    }
  }

  /** The bench on the class path (tests, or a class path naming both jars), else in the jar beside this one. */
  private static Class<?> commandClass() throws ReflectiveOperationException {
    try {
      return Class.forName(COMMAND_CLASS);
    } catch (ClassNotFoundException notOnClassPath) {
      Path own = ownJar();
      Path benchJar = own == null || own.getParent() == null ? null : own.getParent().resolve(BENCH_JAR);
      if (benchJar == null || !Files.isRegularFile(benchJar)) {
        benchJar = nestedCopy();
      }
      if (benchJar == null) {
        return null;
      }
      try {
        // Lives as long as the bench does: the process ends with it.
        URLClassLoader loader = new URLClassLoader(new URL[] {benchJar.toUri().toURL()}, BenchLauncher.class.getClassLoader());
        return Class.forName(COMMAND_CLASS, true, loader);
      } catch (java.net.MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The nested bench jar copied to a temporary file (deleted when the bench ends), or null when this jar has none. */
  private static Path nestedCopy() {
    try (InputStream nested = BenchLauncher.class.getResourceAsStream(NESTED)) {
      if (nested == null) {
        return null;
      }
      Path copy = Files.createTempFile("sekisho-bench-", ".jar");
      copy.toFile().deleteOnExit();
      Files.copy(nested, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the bench carried in this jar: " + e.getMessage(), e);
    }
  }

  /** The jar (or classes folder) this class was loaded from. */
  private static Path ownJar() {
    try {
      return Path.of(BenchLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
