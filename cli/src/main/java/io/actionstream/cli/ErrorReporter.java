package io.actionstream.cli;

import io.actionstream.ingest.camera.CameraException;
import io.actionstream.ingest.config.ConfigException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Turns the errors an operator can fix (bad configuration, a camera that cannot be opened, an
 * unreachable broker) into one clear line and an exit code, instead of a stack trace. Anything
 * else is a bug and keeps its stack trace.
 *
 * <p>Exit codes: 2 for configuration and usage errors, 3 for cameras that cannot be opened, 1
 * for everything else.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

  static final int CONFIG_ERROR = 2;
  static final int CAMERA_ERROR = 3;

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    var err = command.getErr();
    if (e instanceof ConfigException config) {
      String message = config.getMessage();
      if (command.getCommand() instanceof SettingNames names) {
        message = names.describe(config);
      }
      err.println("actionstream " + command.getCommandName() + ": configuration error: " + message);
      return CONFIG_ERROR;
    }
    if (e instanceof io.actionstream.training.dataset.DatasetException) {
      err.println("actionstream " + command.getCommandName() + ": data error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    if (e instanceof io.actionstream.model.ModelRefusedException refused) {
      err.println("actionstream " + command.getCommandName() + ": the model cannot serve (" + refused.reason().label() + "): "
          + e.getMessage());
      return CONFIG_ERROR;
    }
    if (e instanceof CameraException) {
      err.println("actionstream " + command.getCommandName() + ": " + e.getMessage());
      return CAMERA_ERROR;
    }
    if (e instanceof IllegalStateException && e.getMessage() != null && e.getCause() == null) {
      err.println("actionstream " + command.getCommandName() + ": " + e.getMessage());
      return 1;
    }
    err.println("actionstream " + command.getCommandName() + " failed: " + e);
    e.printStackTrace(err);
    return 1;
  }

  /** Implemented by commands whose flags fill configuration settings, to name the flag. */
  interface SettingNames {
    String describe(ConfigException e);
  }
}
