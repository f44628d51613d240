package io.actionstream.cli;

import ch.qos.logback.classic.Level;
import io.actionstream.cli.bench.BenchCommand;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code actionstream} command; all work happens in its subcommands. */
@Command(
    name = "actionstream",
    mixinStandardHelpOptions = true,
    versionProvider = ActionstreamCommand.Version.class,
    description = {
      "Streaming, real-time action recognition on Kafka.",
      "",
      "Camera frames go into Kafka (ingest), a Kafka Streams topology turns them into action "
          + "events (infer), and a trainer distils a motion-aware student network (train)."
    },
    subcommands = {DemoCommand.class, BrokerCommand.class, IngestCommand.class, InferCommand.class, EventsCommand.class,
      SynthCommand.class, TrainCommand.class, QuantizeCommand.class, StudyCommand.class, BenchCommand.class, HealthCommand.class, ViewCommand.class},
    footer = {"", "Run 'actionstream COMMAND --help' for the options of a command."})
public final class ActionstreamCommand implements Runnable {

  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log debug details (actionstream's own loggers).")
  void verbose(boolean verbose) {
    if (verbose) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.actionstream")).setLevel(Level.DEBUG);
    }
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of " + spec.subcommands().keySet());
  }

  /** The version from the jar manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ActionstreamCommand.class.getPackage().getImplementationVersion();
      return new String[] {"actionstream " + (version != null ? version : "(development build)")};
    }
  }
}
