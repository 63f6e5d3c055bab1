package io.oscope.cli;

import io.oscope.catalog.Catalogue;
import io.oscope.catalog.CloudsFile;
import io.oscope.catalog.EndpointList;
import io.oscope.catalog.KeystoneCatalog;
import io.oscope.catalog.RouteFileWriter;
import io.oscope.catalog.RouteGenerator;
import io.oscope.routes.ConfigException;
import io.oscope.routes.Problem;
import io.oscope.routes.RouteTables;
import io.oscope.routes.ServiceEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code oscope routes generate}: the route file of the clouds file's clouds, from their catalogues. */
@Command(name = "generate", sortOptions = false,
    description = {"Generate a route file from the clouds' catalogues.",
        "",
        "Reads the clouds file and each cloud's catalogue, as `openstack endpoint list -f json` prints it"
            + " (short or full form) or live from its Keystone. Disabled endpoints are skipped with a notice."
            + " On bad input every problem is printed, one per line, and nothing is written. The same inputs"
            + " give the same bytes, and the file is replaced atomically."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the route file is written (or was already up to date)",
        "1:a file or Keystone could not be read or written", "2:bad input: every problem is printed"})
final class RoutesGenerateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  RoutesCommand parent;

  @Option(names = "--clouds", required = true, paramLabel = "FILE",
      description = "Clouds file: per cloud, its proxy's frontend, endpoint list and backends.")
  Path clouds;

  @Option(names = "--endpoints", paramLabel = "CLOUD=FILE",
      description = "Endpoint list of CLOUD, in place of the one the clouds file names; repeatable.")
  Map<String, Path> endpoints = new LinkedHashMap<>();

  @Option(names = "--from-keystone", paramLabel = "URL", arity = "0..1", fallbackValue = "",
      description = "Read the catalogue of the --cloud cloud live from this Keystone (default: OS_AUTH_URL),"
          + " as OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME.")
  String keystone;

  @Option(names = "--cloud", paramLabel = "NAME",
      description = "The cloud whose catalogue --from-keystone reads (default: OS_REGION_NAME, or the one cloud"
          + " whose region it is).")
  String cloud;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "The route file to write; - writes it to standard output.")
  String output;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Override
  public Integer call() {
    return RoutesCommand.run(spec, "nothing written", this::generate);
  }

  private int generate() throws ConfigException, IOException {
    PrintWriter err = spec.commandLine().getErr();
    CloudsFile file = CloudsFile.read(clouds);
    Map<String, EndpointList> given = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    endpoints.forEach((name, path) -> {
      if (known(file, "--endpoints", name, problems)) given.put(name, EndpointList.read(path));
    });
    if (keystone != null) {
      String region = env().get("OS_REGION_NAME");
      String name = cloud != null ? cloud : cloudOfRegion(file, region);
      if (name == null || name.isBlank()) {
        problems.add(missingCloud(file, region));
      } else if (known(file, "--cloud", name, problems) && given.containsKey(name)) {
        problems.add(new Problem("--cloud", null, name, null, "has --endpoints too; give its catalogue once"));
      } else if (problems.isEmpty()) {
        given.put(name, KeystoneCatalog.fetch(keystone.isBlank() ? null : keystone, env()));
      }
    } else if (cloud != null) {
      problems.add(new Problem("--cloud", null, cloud, null, "only says which cloud --from-keystone reads"));
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);

    List<Catalogue> catalogues = file.catalogues(given);
    catalogues.stream().map(Catalogue::list).distinct().forEach(list -> list.skipped().forEach(err::println));
    List<ServiceEntry> entries = RouteGenerator.fromCatalogues(file, catalogues);
    String summary = entries.size() + " routes of " + file.clouds().size() + " clouds, version "
        + RouteTables.compileAll(output, entries).values().iterator().next().version();
    if (output.equals("-")) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(new String(RouteFileWriter.format(entries), StandardCharsets.UTF_8));
      out.flush();
      err.println("route file: " + summary);
    } else {
      Path target = Path.of(output);
      boolean changed;
      try {
        changed = RouteFileWriter.write(target, entries);
      } catch (IOException e) {
        throw new IOException("cannot write " + target + ": " + e, e);
      }
      spec.commandLine().getOut().println((changed ? "wrote " : "unchanged ") + target + ": " + summary);
    }
    return Oscope.OK;
  }

  /**
   * The cloud {@code OS_REGION_NAME} stands for: the cloud of that name, else the one cloud whose
   * {@code region} it is; {@code null} when several clouds share that region.
   */
  private static String cloudOfRegion(CloudsFile file, String region) {
    if (region == null || file.clouds().containsKey(region)) return region;
    List<CloudsFile.Cloud> inRegion = file.inRegion(region);
    if (inRegion.size() > 1) return null;
    return inRegion.size() == 1 ? inRegion.get(0).name() : region;
  }

  private static Problem missingCloud(CloudsFile file, String region) {
    List<String> sharing = region == null ? List.of() : file.inRegion(region).stream().map(CloudsFile.Cloud::name).toList();
    if (sharing.size() > 1) {
      return new Problem("--cloud", null, null, null, "is missing, and OS_REGION_NAME " + region + " is the region of "
          + String.join(" and ", sharing) + " in " + file.source() + ": name the cloud whose catalogue --from-keystone reads");
    }
    return new Problem("--cloud", null, null, null,
        "is missing: name the cloud whose catalogue --from-keystone reads (or set OS_REGION_NAME)");
  }

  private static boolean known(CloudsFile file, String option, String name, List<Problem> problems) {
    if (file.clouds().containsKey(name)) return true;
    problems.add(new Problem(option, null, name, null, "is not a cloud of " + file.source()
        + " (its clouds: " + String.join(", ", file.clouds().keySet()) + ")"));
    return false;
  }

  private Map<String, String> env() {
    return parent != null ? parent.env() : System.getenv();
  }
}
