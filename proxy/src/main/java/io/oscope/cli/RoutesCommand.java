package io.oscope.cli;

import io.oscope.routes.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code oscope routes}: make and check route files, so that no operator writes one by hand.
 *
 * <pre>{@code
 * oscope routes generate --clouds clouds.json --output routes.json
 * oscope routes check routes.json
 * }</pre>
 */
@Command(name = "routes",
    description = "Generate route files from OpenStack catalogues, and check them.",
    subcommands = {RoutesGenerateCommand.class, RoutesCheckCommand.class})
public final class RoutesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  private final Map<String, String> env;

  /** The command with the process's environment, for the {@code OS_*} credentials. */
  public RoutesCommand() {
    this(System.getenv());
  }

  /** The command with {@code env} in place of the process's environment; tests inject it. */
  public RoutesCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  Map<String, String> env() {
    return env;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand: generate or check");
  }

  /**
   * Runs a routes subcommand, mapping its failures to exit codes in one place: bad input (every
   * problem on stderr, one per line, then a summary ending with {@code outcome}) is 2; any other
   * failure is 1.
   */
  static int run(CommandSpec spec, String outcome, Step step) {
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName();
    try {
      return step.run();
    } catch (ConfigException e) {
      e.problems().forEach(err::println);
      err.println(name + ": " + count(e.problems().size()) + "; " + outcome);
      return Oscope.BAD_INPUT;
    } catch (IOException e) {
      err.println(name + ": " + e.getMessage());
      return Oscope.FAILURE;
    } finally {
      err.flush();
    }
  }

  private static String count(int problems) {
    return problems + (problems == 1 ? " problem" : " problems");
  }

  /** A subcommand's work. */
  interface Step {
    int run() throws ConfigException, IOException;
  }
}
