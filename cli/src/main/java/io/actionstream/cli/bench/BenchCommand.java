package io.actionstream.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code actionstream bench}: measurements that print numbers; never part of the test run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print measured numbers (throughput, latency) for this machine.",
    subcommands = {IngestBenchmark.class, InferenceBenchmark.class})
public final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing benchmark: choose one of " + spec.subcommands().keySet());
  }
}
