package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Which subcommands the command line is built with: all of them, or just the one run. */
class SubcommandsTest {

  @Test
  void aNamedSubcommandIsTheOnlyOneBuilt() {
    assertThat(Oscope.commandLine("proxy", "--services", "x").getSubcommands()).containsOnlyKeys("proxy");
    assertThat(Oscope.commandLine("routes", "check").getSubcommands()).containsOnlyKeys("routes");
  }

  @Test
  void helpAnOptionOrAnUnknownNameGetsThemAllInTheirOrder() {
    for (String[] args : new String[][] {{}, {"help", "proxy"}, {"--help"}, {"proxi"}}) {
      assertThat(Oscope.commandLine(args).getSubcommands().keySet())
          .containsExactly("proxy", "routes", "tenant", "demo", "help");
    }
  }

  @Test
  void helpOfASubcommandAndTheMainUsageStillWork() {
    StringWriter out = new StringWriter();
    assertThat(Oscope.commandLine("help", "proxy").setOut(new PrintWriter(out)).execute("help", "proxy")).isZero();
    assertThat(out.toString()).contains("Usage: oscope proxy").contains("--services");
    StringWriter usage = new StringWriter();
    assertThat(Oscope.commandLine("--help").setOut(new PrintWriter(usage)).execute("--help")).isZero();
    assertThat(usage.toString()).contains("proxy", "routes", "tenant", "demo");
    // A mistyped subcommand is refused as before, with the usual exit code for bad input.
    StringWriter err = new StringWriter();
    assertThat(Oscope.commandLine("proxi").setErr(new PrintWriter(err)).execute("proxi")).isEqualTo(Oscope.BAD_INPUT);
  }
}
