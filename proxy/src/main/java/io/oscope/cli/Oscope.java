package io.oscope.cli;

import io.netty.util.ResourceLeakDetector;
import io.oscope.build.BuildInfo;
import io.oscope.routes.ConfigException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code oscope} command line. With no subcommand it runs the demo.
 *
 * <pre>{@code
 * oscope proxy --services services.json --cloud CloudOne --listen 0.0.0.0:8888
 * oscope demo
 * }</pre>
 */
@Command(
    name = "oscope",
    mixinStandardHelpOptions = true,
    versionProvider = Oscope.Version.class,
    description = "A scope-routing proxy for collaborating OpenStack clouds.")
public final class Oscope implements Callable<Integer> {
  /**
   * The subcommands, in the order help lists them. Added by {@link #commandLine(String...)}:
   * picocli builds the model of every command it is given, from its annotations, by reflection.
   */
  private static final List<Map.Entry<String, Supplier<Object>>> SUBCOMMANDS = List.of(
      Map.entry("proxy", ProxyCommand::new), Map.entry("routes", RoutesCommand::new),
      Map.entry("tenant", TenantCommand::new), Map.entry("demo", DemoCommand::new),
      Map.entry("help", CommandLine.HelpCommand::new));

  /** Success. */
  public static final int OK = 0;
  /** A failure at run time: an address in use, an I/O error. */
  public static final int FAILURE = 1;
  /** Bad input: a bad option value or route file. */
  public static final int BAD_INPUT = 2;

  public static void main(String[] args) {
    // Netty 4.2 sends JFR events from its buffer allocators, which loads the JDK's Flight Recorder
    // (~100 classes and its JMX beans) at start, before any recording asks for them; off, as any
    // Netty property must be, before Netty's first class. -Dio.netty.jfr.enabled=true turns them on.
    if (System.getProperty("io.netty.jfr.enabled") == null) System.setProperty("io.netty.jfr.enabled", "false");
    // Netty's leak detector records a stack trace for a sample of the buffers: CPU a busy proxy
    // spends on nothing it serves. Tests run with it on; -Dio.netty.leakDetection.level turns it back on.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    System.exit(commandLine(args).execute(args));
  }

  /** The command line with oscope's exit codes and error printing; tests call execute on it. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * {@link #commandLine()} for running {@code arguments}: when they start with a subcommand
   * (help aside, which may name any), only that one is added. Building the models of the others
   * took ~0.2 s of a proxy's start (BENCHMARKS.md, "Start-up and size").
   */
  static CommandLine commandLine(String... arguments) {
    CommandLine commandLine = new CommandLine(new Oscope());
    String first = arguments.length > 0 && !arguments[0].equals("help") ? arguments[0] : null;
    boolean named = SUBCOMMANDS.stream().anyMatch(sub -> sub.getKey().equals(first));
    for (Map.Entry<String, Supplier<Object>> sub : SUBCOMMANDS) {
      if (!named || sub.getKey().equals(first)) commandLine.addSubcommand(sub.getKey(), sub.getValue().get());
    }
    commandLine.setCaseInsensitiveEnumValuesAllowed(true); // after the subcommands: set on them too
    commandLine.setExecutionExceptionHandler(Oscope::handle);
    commandLine.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("oscope: " + e.getMessage());
      e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return BAD_INPUT;
    });
    return commandLine;
  }

  /** Maps exceptions to exit codes, in one place. */
  private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    if (e instanceof ConfigException config) {
      err.println("oscope: the route file cannot be used: " + config.getMessage());
      return BAD_INPUT;
    }
    if (e instanceof IllegalArgumentException) {
      err.println("oscope: " + e.getMessage());
      return BAD_INPUT;
    }
    err.println("oscope: " + e.getMessage());
    return FAILURE;
  }

  @Override
  public Integer call() throws Exception {
    return new DemoCommand().call();
  }

  /** The version and commit the build wrote into the class path. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BuildInfo.current().line()};
    }
  }
}
