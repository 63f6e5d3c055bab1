package io.oscope.chart;

import static io.oscope.chart.ChartTest.args;
import static io.oscope.chart.Rendered.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chart rendered with other values: each switch does what values.yaml says, and bad values are refused. */
class ValuesTest {
  @Test
  void fixedReplicasWithoutTheAutoscaler() throws Exception {
    Rendered rendered = Rendered.render("fixed-replicas", command -> command
        .set("manifests.horizontal_pod_autoscaler", false).set("pod.replicas.oscope", 3));
    assertThat(rendered.all("HorizontalPodAutoscaler")).isEmpty();
    assertThat((Integer) at(rendered.one("Deployment"), "spec.replicas")).isEqualTo(3);
  }

  @Test
  void tlsListensOnHttpsWithTheCertificateOfATlsSecret() throws Exception {
    Rendered rendered = Rendered.render("tls", command -> command
        .set("secrets.tls.oscope.enabled", true).set("secrets.tls.oscope.crt", "CERT")
        .set("secrets.tls.oscope.key", "KEY").set("secrets.tls.oscope.ca", "CA")
        .set("conf.tls.require_client_certificate", true));
    Map<String, Object> tls = rendered.all("Secret").stream()
        .filter(secret -> "kubernetes.io/tls".equals(secret.get("type"))).findFirst().orElseThrow();
    Map<String, Object> data = at(tls, "data");
    assertThat(data).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    assertThat(decode(data.get("tls.key"))).isEqualTo("KEY");
    assertThat(args(rendered.container("oscope"))).contains("--tls-cert=/run/secrets/oscope-tls/tls.crt",
        "--tls-key=/run/secrets/oscope-tls/tls.key", "--tls-client-ca=/run/secrets/oscope-tls/ca.crt");
    List<Map<String, Object>> mounts = at(rendered.container("oscope"), "volumeMounts");
    assertThat(mounts).anySatisfy(mount -> assertThat(mount).containsEntry("mountPath", "/run/secrets/oscope-tls"));
    assertThat((String) at(rendered.container("oscope"), "readinessProbe.httpGet.path")).isEqualTo("/readyz");
  }

  @Test
  void peerSecretAndServiceCredentialsTurnOnTokenValidation() throws Exception {
    Rendered rendered = Rendered.render("peers", command -> command
        .set("secrets.peer_secret", "0123456789abcdef0123456789abcdef").set("secrets.service_credentials.password", "pw")
        .set("secrets.admin_token", "the-admin-token-of-this-test-0123456789"));
    Map<String, Object> data = at(rendered.one("Secret"), "data");
    assertThat(decode(data.get("admin-token"))).isEqualTo("the-admin-token-of-this-test-0123456789");
    assertThat(decode(data.get("service-credentials.json"))).contains("\"password\":\"pw\"", "\"username\":\"oscope\"");
    assertThat(args(rendered.container("oscope"))).contains("--peer-secret-file=/run/secrets/oscope/peer-secret",
        "--service-credentials=/run/secrets/oscope/service-credentials.json");
  }

  @Test
  void autoscalesOnAPodsMetricBesideCpu() throws Exception {
    Rendered rendered = Rendered.render("pods-metric", command -> command
        .set("pod.autoscaling.oscope.pods_metric.name", "oscope_connections_active")
        .set("pod.autoscaling.oscope.pods_metric.average_value", "500"));
    Map<String, Object> metric = at(rendered.one("HorizontalPodAutoscaler"), "spec.metrics.1");
    assertThat((String) at(metric, "pods.metric.name")).isEqualTo("oscope_connections_active");
    assertThat((String) at(metric, "pods.target.averageValue")).isEqualTo("500");
  }

  @Test
  void aServiceMonitorScrapesWithTheAdminToken() throws Exception {
    Rendered rendered = Rendered.render("service-monitor", command -> command.set("manifests.service_monitor", true));
    Map<String, Object> monitor = rendered.one("ServiceMonitor");
    assertThat((String) at(monitor, "spec.endpoints.0.port")).isEqualTo("admin");
    assertThat((String) at(monitor, "spec.endpoints.0.authorization.credentials.key")).isEqualTo("admin-token");
    assertThat((String) at(monitor, "spec.endpoints.0.authorization.credentials.name")).isEqualTo("oscope");
  }

  @ParameterizedTest
  @CsvSource({"configmap_etc, ConfigMap", "deployment, Deployment", "horizontal_pod_autoscaler, HorizontalPodAutoscaler",
      "network_policy, NetworkPolicy", "pod_disruption_budget, PodDisruptionBudget", "secret, Secret", "service, Service"})
  void eachManifestToggleTakesItsObjectOut(String toggle, String kind) throws Exception {
    Rendered rendered = Rendered.render("without-" + toggle, command -> command.set("manifests." + toggle, false));
    assertThat(rendered.all(kind)).isEmpty();
    assertThat(rendered.objects()).hasSize(6);
  }

  @Test
  void aGracePeriodShorterThanTheDrainIsRefused() {
    assertThat(Rendered.failure(command -> command.set("conf.proxy.grace_period_seconds", 60)))
        .contains("termination_grace_period.oscope.timeout (45 s) must be at least", "(65 s)");
  }

  @Test
  void aShortPeerSecretIsRefused() {
    assertThat(Rendered.failure(command -> command.set("secrets.peer_secret", "short")))
        .contains("secrets.peer_secret must be at least 32 characters");
  }

  @Test
  void valuesForPodmanUseTheHostNetworkWithoutContainerPorts() throws Exception {
    Rendered rendered = Rendered.render("podman", command -> command.withValuesFile(
        java.nio.file.Path.of("src", "test", "resources", "values-podman.yaml").toAbsolutePath()));
    assertThat((Boolean) at(rendered.one("Deployment"), "spec.template.spec.hostNetwork")).isTrue();
    assertThat(rendered.container("oscope")).doesNotContainKey("ports");
    assertThat((String) at(rendered.container("oscope"), "image")).isEqualTo("localhost/oscope:latest");
  }

  private static String decode(Object base64) {
    return base64 == null ? null : new String(Base64.getDecoder().decode((String) base64));
  }
}
