package io.oscope.release;

import io.oscope.cli.Oscope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;

/**
 * Build step (exec-maven-plugin, process-classes): writes {@code oscope.1} and the bash
 * completion {@code oscope} into the given folder, both from {@link Oscope#commandLine()}.
 *
 * <pre>{@code java io.oscope.release.Docs OUT_DIR VERSION DATE}</pre>
 */
public final class Docs {
  private Docs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: Docs OUT_DIR VERSION DATE");
    }
    Path out = Files.createDirectories(Path.of(args[0]));
    String page = new ManPage(args[1], args[2].substring(0, 10), sections()).render(Oscope.commandLine());
    Files.writeString(out.resolve("oscope.1"), page, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("oscope.bash"), AutoComplete.bash("oscope", Oscope.commandLine()), StandardCharsets.UTF_8);
  }

  private static Map<String, String> sections() {
    Map<String, String> sections = new LinkedHashMap<>();
    sections.put("EXIT STATUS", String.join("\n",
        ".TP\n" + Oscope.OK, "Success.",
        ".TP\n" + Oscope.FAILURE, "A failure at run time: an address in use, an I/O error.",
        ".TP\n" + Oscope.BAD_INPUT, "Bad input: a bad option value or route file.",
        ".TP\n3", "The JVM ran out of memory (the launcher sets \\-XX:+ExitOnOutOfMemoryError); systemd restarts it."));
    sections.put("ENVIRONMENT", String.join("\n",
        ".TP\nJAVA_OPTS", "Options for the JVM (default: a 128 MB heap).",
        ".TP\nOSCOPE_JAR", "Run this jar instead of the one installed."));
    sections.put("FILES", String.join("\n",
        ".TP\n/etc/oscope/oscope.env", "Settings of oscope.service: cloud, addresses, JAVA_OPTS, extra options.",
        ".TP\n/etc/oscope/services.json", "The route file oscope.service loads; systemctl reload oscope reloads it.",
        ".TP\n/usr/lib/systemd/system/oscope.service", "The systemd unit."));
    sections.put("SEE ALSO", "systemctl(1), systemd.exec(5), openstack(1)");
    return sections;
  }
}
