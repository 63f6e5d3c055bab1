package io.oscope.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code oscope(1)} in roff, written from the picocli command definitions: every command and
 * subcommand, its synopsis, arguments and options, so the page cannot drift from the code.
 * Written here rather than through picocli-codegen's AsciiDoc and Asciidoctor, which would bring
 * a Ruby runtime (JRuby, tens of MB, seconds to start) into every build for one page.
 */
final class ManPage {
  private final String version;
  private final String date;
  private final Map<String, String> sections;

  /**
   * @param version what the page footer names, e.g. {@code 0.1.0}
   * @param date the page date, {@code YYYY-MM-DD}
   * @param sections extra sections after COMMANDS, title to roff body (EXIT STATUS, FILES...)
   */
  ManPage(String version, String date, Map<String, String> sections) {
    this.version = version;
    this.date = date;
    this.sections = sections;
  }

  String render(CommandLine root) {
    root.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
    CommandSpec spec = root.getCommandSpec();
    String name = spec.name();
    StringBuilder page = new StringBuilder()
        .append(".\\\" Generated from the command definitions by io.oscope.release.ManPage: do not edit.\n")
        .append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"").append(date)
        .append("\" \"").append(name).append(' ').append(escape(version)).append("\" \"User Commands\"\n")
        .append(".SH NAME\n").append(name).append(" \\- ").append(escape(String.join(" ", spec.usageMessage().description())))
        .append("\n.SH SYNOPSIS\n");
    for (CommandLine command : commands(root)) {
      page.append(".nf\n").append(escape(synopsis(command))).append(".fi\n");
    }
    page.append(".SH DESCRIPTION\n");
    describe(page, root);
    page.append(".SH COMMANDS\n");
    for (CommandLine command : commands(root).subList(1, commands(root).size())) {
      page.append(".SS \"").append(escape(command.getCommandSpec().qualifiedName())).append("\"\n");
      describe(page, command);
    }
    sections.forEach((title, body) -> page.append(".SH ").append(title).append('\n').append(body).append('\n'));
    return page.toString();
  }

  /** The command, then its subcommands depth first, hidden ones left out. */
  static List<CommandLine> commands(CommandLine command) {
    List<CommandLine> all = new ArrayList<>();
    all.add(command);
    for (CommandLine sub : command.getSubcommands().values().stream().distinct().collect(Collectors.toList())) {
      if (!sub.getCommandSpec().usageMessage().hidden()) {
        all.addAll(commands(sub));
      }
    }
    return all;
  }

  private static String synopsis(CommandLine command) {
    return command.getHelp().synopsis(0).replaceFirst("^Usage: ", "");
  }

  private static void describe(StringBuilder page, CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    page.append(".PP\n").append(escape(paragraph(spec.usageMessage().description()))).append('\n');
    for (PositionalParamSpec parameter : spec.positionalParameters()) {
      if (!parameter.hidden()) {
        page.append(".TP\n\\fI").append(escape(parameter.paramLabel())).append("\\fR\n")
            .append(escape(text(parameter))).append('\n');
      }
    }
    for (OptionSpec option : spec.options()) {
      if (!option.hidden()) {
        page.append(".TP\n").append(names(option)).append('\n').append(escape(text(option))).append('\n');
      }
    }
  }

  /** {@code \fB-h\fR, \fB--help\fR} or {@code \fB--listen\fR=\fIHOST:PORT\fR}. */
  private static String names(OptionSpec option) {
    String names = java.util.Arrays.stream(option.names())
        .map(n -> "\\fB" + escape(n) + "\\fR").collect(Collectors.joining(", "));
    return option.typeInfo().isBoolean() || option.arity().max() == 0
        ? names
        : names + "=\\fI" + escape(option.paramLabel()) + "\\fR";
  }

  /** The description with picocli's variables filled in, as the usage help shows it. */
  private static String text(ArgSpec arg) {
    String defaultValue = arg.defaultValueString();
    String candidates = arg.completionCandidates() == null ? ""
        : String.join(", ", (Iterable<String>) arg.completionCandidates());
    return paragraph(arg.description())
        .replace("${DEFAULT-VALUE}", defaultValue == null ? "" : defaultValue)
        .replace("${COMPLETION-CANDIDATES}", candidates);
  }

  private static String paragraph(String[] lines) {
    return String.join(" ", lines).replace("%n", "\n.br\n").replace("%%", "%").strip();
  }

  /** roff: a backslash is \e, a hyphen \-, and a line may not start with a control character. */
  static String escape(String text) {
    String escaped = text.replace("\\", "\\e").replace("-", "\\-");
    return escaped.lines()
        .map(line -> line.startsWith(".") && !line.equals(".br") || line.startsWith("'") ? "\\&" + line : line)
        .collect(Collectors.joining("\n", "", text.endsWith("\n") ? "\n" : ""));
  }
}
