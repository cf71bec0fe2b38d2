package dev.sekisho.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files operators deploy with ({@code deploy/}) checked with what runs here: no container engine,
 * Kubernetes cluster, Helm or Prometheus is available, so each file is parsed and its wiring asserted
 * (services, probes, selectors, the keys Sekisho reads); the systemd unit goes through the real
 * {@code systemd-analyze verify}. The nginx and Caddy topologies themselves run in
 * {@code NginxForwardAuthTest} and {@code CaddyForwardAuthTest}.
 */
class DeployFilesTest {
  static final List<String> IDENTITY_HEADERS =
      List.of("X-Sekisho-User", "X-Sekisho-Name", "X-Sekisho-Email", "X-Sekisho-Method", "X-Sekisho-Session");
  static final Pattern SEKISHO_KEY = Pattern.compile("\\bSEKISHO_[A-Z0-9_]+");

  @Test
  void everyDeployFileIsNamedInTheReadme() throws IOException {
    String readme = read("README.md");
    try (Stream<Path> files = Files.walk(Path.of("deploy"))) {
      List<String> unnamed = files.filter(Files::isRegularFile).map(Path::toString)
          .filter(path -> !path.startsWith("deploy/compose/") && !readme.contains(path))
          .collect(Collectors.toList());
      assertThat(unnamed).as("deploy files the README does not point to").isEmpty();
    }
  }

  @Test
  void everyConfigurationKeyInTheDeployFilesIsOneTheReadmeDocuments() throws IOException {
    String readme = read("README.md");
    Set<String> unknown = new TreeSet<>();
    for (String file : List.of("deploy/compose.yaml", "deploy/kubernetes/sekisho.yaml",
        "deploy/systemd/sekisho.env", "deploy/systemd/sekisho.service")) {
      Matcher m = SEKISHO_KEY.matcher(read(file));
      while (m.find()) {
        if (!readme.contains("`" + m.group() + "`")) {
          unknown.add(file + ": " + m.group());
        }
      }
    }
    assertThat(unknown).as("keys missing from the README's configuration table").isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeRunsTheWholeJourneyInProductionMode() throws IOException {
    Map<String, Object> compose = yaml("deploy/compose.yaml");
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    assertThat(services).containsKeys("postgres", "mailpit", "members", "sekisho", "portal", "nginx");

    Map<String, Object> sekisho = services.get("sekisho");
    assertThat(sekisho.get("command")).isEqualTo(List.of("start"));
    assertThat(sekisho.get("build")).isEqualTo("..");
    assertThat(Path.of("deploy", "..", "Dockerfile")).exists();
    Map<String, Object> env = (Map<String, Object>) sekisho.get("environment");
    assertThat(env.get("SEKISHO_DB_URL").toString()).startsWith("postgresql://").contains("@postgres:5432/");
    assertThat(env).containsEntry("SEKISHO_MAIL_MODE", "relay").containsEntry("SEKISHO_MAIL_HOST", "mailpit")
        .containsEntry("SEKISHO_HTTP_SECURE_COOKIES", "true").containsKeys("SEKISHO_ADMIN_TOKEN", "SEKISHO_HTTP_PUBLIC_ORIGIN");
    String key = env.get("SEKISHO_SECRETS_KEYS").toString().split("=", 2)[1];
    assertThat(java.util.Base64.getDecoder().decode(key)).hasSize(32);
    assertThat(env.get("SEKISHO_GATEWAY_UPSTREAMS").toString()).isEqualTo("/=http://portal:80");
    assertThat(services.get("members").get("environment")).isEqualTo(env);

    // Only nginx's fixed address is a trusted proxy.
    Map<String, Object> nginxNet = (Map<String, Object>) ((Map<String, Object>) services.get("nginx").get("networks")).get("sekisho");
    assertThat(env.get("SEKISHO_HTTP_TRUSTED_PROXIES")).isEqualTo(nginxNet.get("ipv4_address"));
    assertThat(services.get("nginx").get("ports").toString()).contains("8000:80");
    assertThat(env.get("SEKISHO_HTTP_PUBLIC_ORIGIN")).isEqualTo("http://localhost:8000");
    assertThat(sekisho.get("healthcheck").toString()).contains("/ready").contains("127.0.0.1/8081");
    // The gateway's own production check passes on exactly this environment: `start` would come up.
    java.util.Map<String, String> vars = new java.util.HashMap<>();
    env.forEach((k, v) -> vars.put(k, v.toString()));
    assertThat(dev.sekisho.launcher.DevelopmentParts.productionRefusals(dev.sekisho.launcher.Settings.from(
        dev.sekisho.config.ConfigLoader.load(vars, Map.of()), dev.sekisho.config.RunMode.PRODUCTION))).isEmpty();

    for (Map<String, Object> service : services.values()) {
      for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
        String source = volume.toString().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(Path.of("deploy").resolve(source)).as(volume.toString()).exists();
        }
      }
    }
    assertThat(read("deploy/compose/members.csv")).startsWith("user_id,symbol,number,birthdate,name,email\n");
  }

  @Test
  void composesNginxConfigurationIsTheReadmeBlockThatNginxForwardAuthTestRuns() throws IOException {
    Matcher m = Pattern.compile("```nginx\\n(.*?)```", Pattern.DOTALL).matcher(read("README.md"));
    assertThat(m.find()).isTrue();
    String expected = m.group(1).replace("server 127.0.0.1:8080;", "server sekisho:8080;")
        .replace("http://127.0.0.1:9000", "http://portal:80");
    String shipped = read("deploy/compose/nginx.conf").lines().dropWhile(line -> line.startsWith("# The README")
        || line.startsWith("# (DeployFilesTest")).collect(Collectors.joining("\n", "", "\n"));
    assertThat(shipped).isEqualTo(expected);
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesRunsTwoInterchangeableReplicasWithProbesKeysAndADisruptionBudget() throws IOException {
    Map<String, Map<String, Object>> byKind = new java.util.HashMap<>();
    for (Map<String, Object> doc : yamlAll("deploy/kubernetes/sekisho.yaml")) {
      assertThat(doc).containsKeys("apiVersion", "kind", "metadata");
      byKind.put((String) doc.get("kind"), doc);
    }
    assertThat(byKind).containsKeys("Secret", "Deployment", "Service", "PodDisruptionBudget");

    Map<String, Object> spec = map(byKind.get("Deployment"), "spec");
    assertThat(spec.get("replicas")).isEqualTo(2);
    Map<String, Object> podLabels = map(map(map(spec, "template"), "metadata"), "labels");
    assertThat(map(spec, "selector").get("matchLabels")).isEqualTo(podLabels);
    Map<String, Object> container = ((List<Map<String, Object>>) map(map(spec, "template"), "spec").get("containers")).get(0);
    assertThat(container.get("args")).isEqualTo(List.of("start"));
    assertThat(map(map(container, "livenessProbe"), "httpGet")).containsEntry("path", "/health").containsEntry("port", "management");
    assertThat(map(map(container, "readinessProbe"), "httpGet")).containsEntry("path", "/ready").containsEntry("port", "management");
    assertThat(container.get("ports").toString()).contains("name=management, containerPort=8081");
    assertThat(container.get("env").toString()).contains("SEKISHO_MANAGEMENT_HOST, value=0.0.0.0");
    assertThat(map(container, "securityContext")).containsEntry("allowPrivilegeEscalation", false)
        .containsEntry("readOnlyRootFilesystem", true);
    String secretName = (String) map(byKind.get("Secret"), "metadata").get("name");
    assertThat(container.get("envFrom").toString()).contains("name=" + secretName);
    assertThat(map(byKind.get("Secret"), "stringData"))
        .containsKeys("SEKISHO_DB_URL", "SEKISHO_ADMIN_TOKEN", "SEKISHO_SECRETS_KEYS");
    assertThat(container.get("env").toString()).contains("SEKISHO_HTTP_SECURE_COOKIES, value=true");

    // Any replica answers any request: no session affinity on the Service.
    Map<String, Object> service = map(byKind.get("Service"), "spec");
    assertThat(service.get("selector")).isEqualTo(podLabels);
    assertThat(service.getOrDefault("sessionAffinity", "None")).isEqualTo("None");
    Map<String, Object> pdb = map(byKind.get("PodDisruptionBudget"), "spec");
    assertThat(map(pdb, "selector").get("matchLabels")).isEqualTo(podLabels);
    assertThat(pdb.get("minAvailable")).isEqualTo(1);

    List<Map<String, Object>> ingresses = yamlAll("deploy/kubernetes/ingress-nginx.yaml");
    assertThat(ingresses).extracting(doc -> doc.get("kind")).containsOnly("Ingress");
    String serviceName = (String) map(byKind.get("Service"), "metadata").get("name");
    assertThat(ingresses.get(0).toString()).contains("path=/sekisho/").contains("name=" + serviceName);
    Map<String, Object> annotations = map(map(ingresses.get(1), "metadata"), "annotations");
    assertThat(annotations.get("nginx.ingress.kubernetes.io/auth-url").toString())
        .startsWith("http://" + serviceName + ".").endsWith(":8080/sekisho/auth/verify");
    assertThat(annotations.get("nginx.ingress.kubernetes.io/auth-signin").toString()).contains("/sekisho/auth/start?rd=");
    assertThat(annotations.get("nginx.ingress.kubernetes.io/auth-response-headers"))
        .isEqualTo(String.join(",", IDENTITY_HEADERS));
    assertThat(annotations.get("nginx.ingress.kubernetes.io/configuration-snippet").toString())
        .contains("proxy_set_header Cookie $sekisho_portal_cookie;");
  }

  @Test
  void theSystemdUnitPassesSystemdAnalyzeAndIsHardened() throws Exception {
    Path unit = Path.of("deploy/systemd/sekisho.service");
    Path copy = Files.createTempDirectory("sekisho-unit-").resolve("sekisho.service");
    Files.copy(unit, copy);
    Process verify = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(verify.exitValue()).as(output).isZero();
    assertThat(output).as("systemd-analyze findings").doesNotContain("Unknown key", "Failed to parse", "Invalid");

    List<String> lines = read(unit.toString()).lines().map(String::strip).collect(Collectors.toList());
    assertThat(lines).contains("User=sekisho", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
        "PrivateTmp=yes", "PrivateDevices=yes", "CapabilityBoundingSet=", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter=@system-service", "EnvironmentFile=/etc/sekisho/sekisho.env", "Restart=on-failure");
    assertThat(lines).anyMatch(line -> line.startsWith("ExecStart=") && line.endsWith("sekisho.jar start"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void alertRulesAndTheDashboardCoverEverySeriesOfWhatToWatch() throws IOException {
    List<String> series = whatToWatchSeries();
    assertThat(series).contains("sekisho_login_outcomes_total", "sekisho_mail_outbox");

    JsonObject dashboard = new JsonObject(read("deploy/monitoring/grafana-dashboard.json"));
    assertThat(dashboard.getString("uid")).isNotBlank();
    List<String> dashboardExprs = new ArrayList<>();
    Set<Integer> ids = new TreeSet<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      assertThat(ids.add(panel.getInteger("id"))).as("unique panel id").isTrue();
      assertThat(panel.getJsonObject("gridPos").fieldNames()).contains("x", "y", "w", "h");
      JsonArray targets = panel.getJsonArray("targets");
      assertThat(targets).as(panel.getString("title")).isNotEmpty();
      targets.forEach(t -> dashboardExprs.add(((JsonObject) t).getString("expr")));
    }

    List<String> alertExprs = new ArrayList<>();
    List<Map<String, Object>> groups = (List<Map<String, Object>>) yaml("deploy/monitoring/prometheus-alerts.yaml").get("groups");
    for (Map<String, Object> group : groups) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        assertThat(rule.get("alert").toString()).startsWith("Sekisho");
        assertThat(map(rule, "labels").get("severity")).isIn("warning", "critical");
        assertThat(map(rule, "annotations").get("summary").toString()).isNotBlank();
        String expr = rule.get("expr").toString();
        assertThat(balanced(expr)).as(expr).isTrue();
        alertExprs.add(expr);
      }
    }
    for (String expr : dashboardExprs) {
      assertThat(balanced(expr)).as(expr).isTrue();
    }
    for (String name : series) {
      assertThat(dashboardExprs).as("a dashboard panel on " + name).anyMatch(expr -> expr.contains(name));
    }
    for (String name : List.of("vertx_http_server_requests_total", "vertx_http_server_response_time_seconds",
        "sekisho_login_outcomes_total", "sekisho_otp_checks_total", "vertx_pool_queue_pending", "sekisho_mail_outbox",
        "jvm_gc_pause_seconds", "jvm_memory_used_bytes")) {
      assertThat(alertExprs).as("an alert on " + name).anyMatch(expr -> expr.contains(name));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void traefikAsksSekishoCopiesOnlyItsHeadersAndKeepsItsCookieFromThePortal() throws IOException {
    Map<String, Object> http = map(yaml("deploy/traefik/dynamic.yaml"), "http");
    Map<String, Object> auth = map(map(map(http, "middlewares"), "sekisho-auth"), "forwardAuth");
    assertThat(auth.get("address").toString()).endsWith("/sekisho/auth/verify?mode=redirect");
    assertThat(auth.get("authResponseHeaders")).isEqualTo(IDENTITY_HEADERS);
    assertThat(auth.get("trustForwardHeader")).isEqualTo(false);
    Map<String, Object> cookies = map(map(map(http, "middlewares"), "sekisho-cookies-off"), "headers");
    assertThat(map(cookies, "customRequestHeaders")).containsEntry("Cookie", "");
    Map<String, Object> routers = map(http, "routers");
    assertThat(map(routers, "portal").get("middlewares")).isEqualTo(List.of("sekisho-auth", "sekisho-cookies-off"));
    assertThat(map(routers, "sekisho").get("rule").toString()).contains("PathPrefix(`/sekisho/`)");
  }

  /** The series names in the first column of the README's "What to watch" table. */
  private static List<String> whatToWatchSeries() throws IOException {
    String readme = read("README.md");
    int start = readme.indexOf("## What to watch");
    String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
    List<String> names = new ArrayList<>();
    for (String line : section.lines().filter(l -> l.startsWith("| `")).collect(Collectors.toList())) {
      Matcher m = Pattern.compile("`([a-z_]+)[{`]").matcher(line.split("\\|")[1]);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static boolean balanced(String expr) {
    int depth = 0;
    for (char c : expr.toCharArray()) {
      depth += c == '(' || c == '{' || c == '[' ? 1 : c == ')' || c == '}' || c == ']' ? -1 : 0;
      if (depth < 0) {
        return false;
      }
    }
    return depth == 0;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static Map<String, Object> yaml(String file) throws IOException {
    return new Yaml().load(read(file));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> yamlAll(String file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    new Yaml().loadAll(read(file)).forEach(doc -> docs.add((Map<String, Object>) doc));
    return docs;
  }

  private static String read(String file) throws IOException {
    return Files.readString(Path.of(file), StandardCharsets.UTF_8);
  }
}
