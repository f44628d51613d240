package io.actionstream.cli;

import picocli.CommandLine;

/** Entry point of {@code bin/actionstream}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    JavaCppDefaults.apply(System.getProperties());
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests to run commands in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new ActionstreamCommand())
        .setExecutionExceptionHandler(new ErrorReporter())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }
}
