package dev.sekisho.web;

import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.io.ClassPathTemplateLoader;
import com.github.jknack.handlebars.io.CompositeTemplateLoader;
import com.github.jknack.handlebars.io.FileTemplateLoader;
import com.github.jknack.handlebars.io.TemplateLoader;
import io.vertx.core.json.JsonObject;
import com.github.jknack.handlebars.ValueResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Handlebars pages, compiled once at start-up on a worker thread (reading files would block an
 * event loop) and shared by every HTTP verticle: a compiled template is immutable and thread-safe.
 * Templates in ./webroot/templates win over the copies inside the jar.
 */
public final class Templates {
  private static final ValueResolver[] RESOLVERS;

  static {
    List<ValueResolver> resolvers = new ArrayList<>();
    resolvers.add(JsonValueResolver.INSTANCE);
    resolvers.addAll(ValueResolver.defaultValueResolvers());
    RESOLVERS = resolvers.toArray(ValueResolver[]::new);
  }

  private final Handlebars handlebars;
  private final Map<String, Template> compiled = new ConcurrentHashMap<>();

  private Templates(Handlebars handlebars) {
    this.handlebars = handlebars;
  }

  /** Blocking: compiles the named templates, from local (when it exists) or else from the jar. */
  public static Templates load(Path local, List<String> names) {
    List<TemplateLoader> loaders = new ArrayList<>();
    if (Files.isDirectory(local)) {
      loaders.add(new FileTemplateLoader(local.toFile(), ".hbs"));
    }
    loaders.add(new ClassPathTemplateLoader("/webroot/templates", ".hbs"));
    // CompositeTemplateLoader refuses a single loader: the jar alone (no ./webroot) has just one.
    Handlebars handlebars = new Handlebars(loaders.size() == 1 ? loaders.get(0)
        : new CompositeTemplateLoader(loaders.toArray(TemplateLoader[]::new)));
    handlebars.setCharset(java.nio.charset.StandardCharsets.UTF_8);
    Templates templates = new Templates(handlebars);
    for (String name : names) {
      templates.compile(name);
    }
    return templates;
  }

  private Template compile(String name) {
    return compiled.computeIfAbsent(name, n -> {
      try {
        return handlebars.compile(n);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot compile template " + n, e);
      }
    });
  }

  public String render(String name, JsonObject model) {
    Template template = compiled.get(name);
    if (template == null) {
      throw new IllegalArgumentException("template " + name + " was not loaded at start-up");
    }
    try {
      return template.apply(Context.newBuilder(model).resolver(RESOLVERS).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
