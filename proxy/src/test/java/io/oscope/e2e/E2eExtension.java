package io.oscope.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What every end-to-end class needs, checked before its first test: the clouds up
 * ({@link Clouds#require()}), the {@code openstack} CLI and its {@code --os-scope} plugin. A
 * problem fails every test of the class with a message saying what to do. Gives the tests
 * {@link Clouds} and {@link Cli} parameters. When the suite ends, prints the time of every step.
 */
final class E2eExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(E2eExtension.class);

  /** Suite-wide state, closed when the whole run ends: the CLI's HOME, the timing table. */
  private static final class Suite implements AutoCloseable {
    final Path home;
    final Cli cli;
    String pluginProblem;

    Suite() throws IOException {
      home = Files.createTempDirectory("oscope-e2e-home-");
      cli = new Cli(home);
    }

    @Override
    public void close() throws IOException {
      System.out.print(Steps.summary());
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Steps.suite(context.getRequiredTestClass().getSimpleName());
    Suite suite = suite(context);
    Clouds.require();
    synchronized (suite) {
      if (suite.pluginProblem == null) suite.pluginProblem = checkPlugin(suite.cli);
    }
    if (!suite.pluginProblem.isEmpty()) throw new AssertionError(suite.pluginProblem);
  }

  private static String checkPlugin(Cli cli) throws Exception {
    if (!Files.isExecutable(Cli.OPENSTACK)) {
      return Cli.OPENSTACK + " is missing: install Debian's python3-openstackclient (dev/clouds up does)";
    }
    Cli.Result r = Steps.time("openstack scope show (is the --os-scope plugin installed?)",
        () -> cli.exec(cli.environment(Map.of()), "--os-scope", "{\"image\": \"CloudTwo\"}", "scope", "show", "-f", "value"));
    if (r.exit() != 0 || !r.out().contains("image CloudTwo")) {
      return "the --os-scope plugin of the openstack CLI is not installed or broken: run "
          + "scope-plugin/python/install.sh\n" + r.describe();
    }
    return "";
  }

  private static Suite suite(ExtensionContext context) {
    return context.getRoot().getStore(NS).getOrComputeIfAbsent(Suite.class, k -> {
      try {
        return new Suite();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, Suite.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Clouds.class || type == Cli.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Clouds.class ? Clouds.require() : suite(context).cli;
  }
}
