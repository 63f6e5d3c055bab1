package io.oscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oscope.routes.ConfigException;
import io.oscope.routes.RouteTable;
import io.oscope.routes.RouteTables;
import io.oscope.routes.ServiceEntry;
import io.oscope.routes.ServiceUrl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code oscope routes check}: compiles a route file for every cloud it names and shows where routes go. */
@Command(name = "check", sortOptions = false,
    description = {"Check a route file and show where each service goes.",
        "",
        "Compiles the file as the proxy of every cloud it names will, and prints per cloud, service type"
            + " and interface: the URL, the backend that cloud's proxy sends requests to, and the cloud's"
            + " frontend, through which the other clouds' proxies reach it."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every cloud's proxy accepts the file",
        "2:the file cannot be read or is bad: every problem is printed"})
final class RoutesCheckCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format { table, json }

  private static final Comparator<ServiceEntry> ORDER = Comparator.comparing(ServiceEntry::cloud)
      .thenComparing(ServiceEntry::serviceType)
      .thenComparing(ServiceEntry::iface)
      .thenComparing(entry -> entry.url().toString());

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The route file (the OpenStackoïd prototype's services.json format).")
  Path file;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (for people) or json (for machines); default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Override
  public Integer call() {
    return RoutesCommand.run(spec, "the file cannot be used", this::check);
  }

  private int check() throws ConfigException, IOException {
    Map<String, RouteTable> tables = RouteTables.load(file);
    RouteTable any = tables.values().iterator().next();
    List<ServiceEntry> entries = new ArrayList<>(any.entries());
    entries.sort(ORDER);
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      out.println(json(entries, tables, any.version()));
    } else {
      out.println(file + ": version " + any.version() + ", " + tables.size() + " clouds, " + entries.size() + " routes");
      out.println();
      out.print(table(entries));
    }
    out.flush();
    return Oscope.OK;
  }

  private static String table(List<ServiceEntry> entries) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"CLOUD", "SERVICE", "INTERFACE", "URL", "BACKEND", "FRONTEND"});
    for (ServiceEntry e : entries) {
      rows.add(new String[] {e.cloud(), e.serviceType(), e.iface().label(), e.url().toString(),
          String.valueOf(e.backend()), e.frontend().toString()});
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        text.append(row[i]);
        if (i < row.length - 1) text.append(" ".repeat(widths[i] - row[i].length() + 2));
      }
      text.append('\n');
    }
    return text.toString();
  }

  private String json(List<ServiceEntry> entries, Map<String, RouteTable> tables, String version) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("file", file.toString());
    root.put("version", version);
    ObjectNode clouds = root.putObject("clouds");
    tables.forEach((name, table) -> {
      ObjectNode cloud = clouds.putObject(name);
      cloud.put("frontend", table.frontendOf(name).toString());
      ServiceUrl identity = table.identityOf(name);
      cloud.put("identity", identity == null ? null : identity.toString());
      var services = cloud.putArray("services");
      for (ServiceEntry e : entries) {
        if (!e.cloud().equals(name)) continue;
        services.addObject().put("type", e.serviceType()).put("interface", e.iface().label())
            .put("url", e.url().toString()).put("backend", e.backend() == null ? null : e.backend().toString());
      }
    });
    return mapper.writeValueAsString(root);
  }
}
