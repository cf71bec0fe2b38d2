package dev.sekisho.architecture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No two packages of src/main depend on each other, directly or through others: a package cycle
 * means neither side can be read, changed or moved alone. The test reads the sources (imports and
 * fully qualified names in code, comments left out) rather than the class files, so it needs no
 * extra library, and it names every cycle at once with the files that make each edge.
 */
class PackageCyclesTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([a-z0-9_.]+)\\s*;", Pattern.MULTILINE);
  /** A reference to a class of the project: lower-case package segments, then a capitalised name. */
  private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.sekisho(?:\\.[a-z0-9_]+)*)\\.[A-Z]");
  private static final Pattern COMMENTS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

  @Test
  void no_package_depends_on_itself_through_others() throws IOException {
    Map<String, Map<String, Set<String>>> edges = dependencies(SOURCES);

    List<String> cycles = new ArrayList<>();
    for (Set<String> component : stronglyConnected(edges)) {
      StringBuilder text = new StringBuilder("cycle between " + component + ":");
      for (String from : component) {
        edges.getOrDefault(from, Map.of()).forEach((to, files) -> {
          if (component.contains(to)) {
            text.append("\n  ").append(from).append(" -> ").append(to).append("  (").append(String.join(", ", files)).append(')');
          }
        });
      }
      cycles.add(text.toString());
    }
    assertThat(cycles).as("package cycles in src/main").isEmpty();
  }

  @Test
  void the_scanner_sees_a_cycle_when_there_is_one(@TempDir Path root) throws IOException {
    write(root, "dev/sekisho/a/A.java", "package dev.sekisho.a;\nimport dev.sekisho.b.B;\nclass A {}\n");
    write(root, "dev/sekisho/b/B.java", "package dev.sekisho.b;\nclass B { dev.sekisho.c.C c; }\n");
    write(root, "dev/sekisho/c/C.java", "package dev.sekisho.c;\n// import dev.sekisho.d.D; a comment is no dependency\n"
        + "import static dev.sekisho.a.A.X;\nclass C {}\n");
    write(root, "dev/sekisho/d/D.java", "package dev.sekisho.d;\nimport dev.sekisho.a.A;\nclass D {}\n");

    List<Set<String>> components = stronglyConnected(dependencies(root));

    assertThat(components).containsExactly(Set.of("dev.sekisho.a", "dev.sekisho.b", "dev.sekisho.c"));
  }

  /** package -> package it uses -> the files (relative paths) that use it. */
  static Map<String, Map<String, Set<String>>> dependencies(Path root) throws IOException {
    Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String code = COMMENTS.matcher(Files.readString(file)).replaceAll(" ");
        Matcher declared = PACKAGE.matcher(code);
        if (!declared.find()) {
          continue;
        }
        String own = declared.group(1);
        Matcher used = REFERENCE.matcher(code);
        while (used.find()) {
          String other = used.group(1);
          if (!other.equals(own)) {
            edges.computeIfAbsent(own, k -> new TreeMap<>()).computeIfAbsent(other, k -> new TreeSet<>())
                .add(root.relativize(file).getFileName().toString());
          }
        }
      }
    }
    return edges;
  }

  /** Tarjan's algorithm: the groups of more than one package that reach each other. */
  static List<Set<String>> stronglyConnected(Map<String, Map<String, Set<String>>> edges) {
    Set<String> nodes = new TreeSet<>(edges.keySet());
    edges.values().forEach(targets -> nodes.addAll(targets.keySet()));
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> result = new ArrayList<>();
    for (String node : nodes) {
      if (!index.containsKey(node)) {
        visit(node, edges, index, low, stack, onStack, result);
      }
    }
    return result;
  }

  private static void visit(String node, Map<String, Map<String, Set<String>>> edges, Map<String, Integer> index,
                            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> result) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (String next : edges.getOrDefault(node, Map.of()).keySet()) {
      if (!index.containsKey(next)) {
        visit(next, edges, index, low, stack, onStack, result);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      if (component.size() > 1) {
        result.add(component);
      }
    }
  }

  private static void write(Path root, String relative, String text) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
