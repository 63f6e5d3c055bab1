package io.oscope.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The objects the real Helm engine renders from the chart in {@code oscope/}, parsed. Each
 * rendering is also written to {@code target/rendered/NAME.yaml}, for {@code .ci/helm} to validate
 * against Kubernetes' schemas and to run with podman.
 */
record Rendered(String yaml, List<Map<String, Object>> objects) {
  static final Path CHART = Path.of("oscope").toAbsolutePath();
  static final Path OUTPUT = Path.of("target", "rendered");
  static final String RELEASE = "oscope";
  static final String NAMESPACE = "openstack";

  /** Renders the chart with the values {@code options} sets, as release oscope in namespace openstack. */
  static Rendered render(String name, UnaryOperator<TemplateCommand> options) throws IOException {
    TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
    String yaml = options.apply(command).call();
    Files.createDirectories(OUTPUT);
    Files.writeString(OUTPUT.resolve(name + ".yaml"), yaml);
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document != null) objects.add(map(document));
    }
    return new Rendered(yaml, List.copyOf(objects));
  }

  /** The rendering error Helm reports for these values. */
  static String failure(UnaryOperator<TemplateCommand> options) {
    try {
      options.apply(new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)).call();
    } catch (RuntimeException e) {
      return e.getMessage();
    }
    throw new AssertionError("the chart rendered where it should have refused");
  }

  /** The one object of {@code kind}. */
  Map<String, Object> one(String kind) {
    List<Map<String, Object>> found = all(kind);
    assertThat(found).as("objects of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  List<Map<String, Object>> all(String kind) {
    return objects.stream().filter(object -> kind.equals(object.get("kind"))).toList();
  }

  List<String> kinds() {
    return objects.stream().map(object -> (String) object.get("kind")).sorted().toList();
  }

  /** The value at a dotted path of maps ({@code spec.template.spec}); a number steps into a list. */
  @SuppressWarnings("unchecked")
  static <T> T at(Object root, String path) {
    Object node = root;
    for (String step : path.split("\\.")) {
      assertThat(node).as("%s, before %s", path, step).isNotNull();
      node = node instanceof List<?> list ? list.get(Integer.parseInt(step)) : ((Map<String, Object>) node).get(step);
    }
    return (T) node;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    assertThat(node).isInstanceOf(Map.class);
    return (Map<String, Object>) node;
  }

  /** The container named {@code name} of the Deployment's pod. */
  Map<String, Object> container(String name) {
    List<Map<String, Object>> containers = at(one("Deployment"), "spec.template.spec.containers");
    return containers.stream().filter(container -> name.equals(container.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }
}
