package io.oscope.chart;

import static io.oscope.chart.Rendered.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chart as it ships: lint, and the objects its default values render, checked one by one. */
class ChartTest {
  private static Rendered defaults;

  @BeforeAll
  static void render() throws Exception {
    defaults = Rendered.render("defaults", command -> command);
  }

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(Rendered.CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
  }

  @Test
  void rendersOneOfEachObjectByDefault() {
    assertThat(defaults.kinds()).containsExactly("ConfigMap", "Deployment", "HorizontalPodAutoscaler",
        "NetworkPolicy", "PodDisruptionBudget", "Secret", "Service");
  }

  @Test
  void runsOnTheControlPlaneNodesSpreadOverHosts() {
    Map<String, Object> pod = at(defaults.one("Deployment"), "spec.template.spec");
    assertThat((Map<String, Object>) at(pod, "nodeSelector")).containsExactly(Map.entry("openstack-control-plane", "enabled"));
    Map<String, Object> term = at(pod, "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.0");
    assertThat((String) at(term, "podAffinityTerm.topologyKey")).isEqualTo("kubernetes.io/hostname");
    assertThat((Map<String, Object>) at(term, "podAffinityTerm.labelSelector.matchLabels"))
        .isEqualTo(at(defaults.one("Deployment"), "spec.selector.matchLabels"));
  }

  @Test
  void probesTheAdminListenerHealthzAndReadyz() {
    Map<String, Object> proxy = defaults.container("oscope");
    assertThat(args(proxy)).contains("--admin=0.0.0.0:8889", "--admin-token-file=/run/secrets/oscope/admin-token");
    assertThat((String) at(proxy, "livenessProbe.httpGet.path")).isEqualTo("/healthz");
    assertThat((Integer) at(proxy, "livenessProbe.httpGet.port")).isEqualTo(8889);
    assertThat((String) at(proxy, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
    assertThat((Integer) at(proxy, "readinessProbe.httpGet.port")).isEqualTo(8889);
    assertThat((String) at(proxy, "startupProbe.httpGet.path")).isEqualTo("/healthz");
  }

  @Test
  void givesTheDrainItsWholeGracePeriodAfterThePreStopWait() {
    Map<String, Object> pod = at(defaults.one("Deployment"), "spec.template.spec");
    int drain = args(defaults.container("oscope")).stream().filter(arg -> arg.startsWith("--grace-period="))
        .map(arg -> Integer.parseInt(arg.replaceAll("\\D", ""))).findFirst().orElseThrow();
    int preStop = at(defaults.container("oscope"), "lifecycle.preStop.sleep.seconds");
    assertThat(drain).isEqualTo(30);
    assertThat((Integer) at(pod, "terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(preStop + drain);
  }

  @Test
  void runsNonRootOnAReadOnlyRootWithNoCapabilities() {
    Map<String, Object> pod = at(defaults.one("Deployment"), "spec.template.spec");
    assertThat((Boolean) at(pod, "securityContext.runAsNonRoot")).isTrue();
    assertThat((Integer) at(pod, "securityContext.runAsUser")).isEqualTo(10001);
    Map<String, Object> container = defaults.container("oscope");
    assertThat((Boolean) at(container, "securityContext.readOnlyRootFilesystem")).isTrue();
    assertThat((Boolean) at(container, "securityContext.allowPrivilegeEscalation")).isFalse();
    assertThat((List<String>) at(container, "securityContext.capabilities.drop")).containsExactly("ALL");
    assertThat((Boolean) at(pod, "automountServiceAccountToken")).isFalse();
  }

  @Test
  void mountsTheRouteFileDirectoryForLiveReload() {
    Map<String, Object> pod = at(defaults.one("Deployment"), "spec.template.spec");
    assertThat(args(defaults.container("oscope"))).contains("--services=/etc/oscope/services.json", "--cloud=CloudOne");
    List<Map<String, Object>> mounts = at(defaults.container("oscope"), "volumeMounts");
    assertThat(mounts).anySatisfy(mount -> {
      assertThat(mount).containsEntry("mountPath", "/etc/oscope").containsEntry("name", "etc");
      assertThat(mount).doesNotContainKey("subPath"); // a subPath mount never sees an update
    });
    assertThat((String) at(pod, "volumes.0.configMap.name")).isEqualTo("oscope-etc");
    Map<String, Object> annotations = at(defaults.one("Deployment"), "spec.template.metadata.annotations");
    assertThat(annotations).containsKey("checksum/secret").doesNotContainKey("checksum/configmap");
  }

  @Test
  void scalesOnCpuBetweenBoundsWithABudgetForDisruptions() {
    assertThat((Map<String, Object>) at(defaults.one("Deployment"), "spec")).doesNotContainKey("replicas");
    Map<String, Object> hpa = defaults.one("HorizontalPodAutoscaler");
    assertThat((String) hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
    assertThat((String) at(hpa, "spec.scaleTargetRef.name")).isEqualTo("oscope");
    assertThat((Integer) at(hpa, "spec.minReplicas")).isEqualTo(2);
    assertThat((Integer) at(hpa, "spec.metrics.0.resource.target.averageUtilization")).isEqualTo(70);
    assertThat((String) at(defaults.container("oscope"), "resources.requests.cpu")).isEqualTo("250m");
    Map<String, Object> pdb = defaults.one("PodDisruptionBudget");
    assertThat((Integer) at(pdb, "spec.minAvailable")).isEqualTo(1);
    assertThat((Map<String, Object>) at(pdb, "spec.selector.matchLabels"))
        .isEqualTo(at(defaults.one("Deployment"), "spec.template.metadata.labels"));
  }

  @Test
  void letsAnyoneReachTheProxyAndOnlyMonitoringTheAdminPort() {
    Map<String, Object> policy = defaults.one("NetworkPolicy");
    Map<String, Object> proxy = at(policy, "spec.ingress.0");
    assertThat((Integer) at(proxy, "ports.0.port")).isEqualTo(8888);
    assertThat(proxy).doesNotContainKey("from");
    Map<String, Object> admin = at(policy, "spec.ingress.1");
    assertThat((Integer) at(admin, "ports.0.port")).isEqualTo(8889);
    assertThat((Map<String, Object>) at(admin, "from.0.namespaceSelector.matchLabels"))
        .containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
  }

  @Test
  void isScrapedByPrometheusThroughTheAdminPort() {
    Map<String, Object> annotations = at(defaults.one("Deployment"), "spec.template.metadata.annotations");
    assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8889")
        .containsEntry("prometheus.io/path", "/metrics");
  }

  @Test
  void generatesAnAdminTokenAndNoPeerSecretUnlessGiven() {
    Map<String, Object> data = at(defaults.one("Secret"), "data");
    assertThat(new String(Base64.getDecoder().decode((String) data.get("admin-token")))).hasSizeGreaterThanOrEqualTo(32);
    assertThat(data).doesNotContainKeys("peer-secret", "service-credentials.json");
    assertThat(args(defaults.container("oscope"))).noneMatch(arg -> arg.startsWith("--peer-secret-file"));
  }

  static List<String> args(Map<String, Object> container) {
    return at(container, "args");
  }
}
