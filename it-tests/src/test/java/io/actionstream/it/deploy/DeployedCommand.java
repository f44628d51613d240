package io.actionstream.it.deploy;

import io.actionstream.cli.Main;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * An {@code actionstream} command line as a deployment file writes it: Kubernetes' {@code $(VAR)}
 * references are filled in from the container's environment, then the real command line parses
 * it, so a misspelt flag or a value of the wrong type in a manifest fails here, not at 3 a.m.
 */
final class DeployedCommand {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private DeployedCommand() {}

  /** Parses {@code args} (the subcommand first); returns the subcommand's name. */
  static String parse(List<String> args, Map<String, String> environment) {
    String[] expanded = args.stream().map(arg -> expand(arg, environment)).toArray(String[]::new);
    List<CommandLine> parsed = Main.commandLine().parseArgs(expanded).asCommandLineList();
    return parsed.get(parsed.size() - 1).getCommandName();
  }

  private static String expand(String arg, Map<String, String> environment) {
    Matcher m = VARIABLE.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = environment.get(m.group(1));
      if (value == null) {
        throw new AssertionError("'" + arg + "' refers to $(" + m.group(1) + "), which the container's environment does not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
