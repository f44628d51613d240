package io.actionstream.it.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real operations tool from the PATH (promtool, kubectl, docker-compose, prometheus), as
 * {@code .ci/run} installs them with apt. Where one is missing the test is skipped with the
 * package to install, never passed silently.
 */
record Tool(String path) {

  /** The project's root folder (the Maven build passes it). */
  static final Path ROOT = Path.of(System.getProperty("actionstream.project.root")).toAbsolutePath().normalize();

  /** The tool, or the test is skipped naming the Debian package that has it. */
  static Tool require(String command, String debianPackage) {
    String found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(p -> Path.of(p, command)).filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    assumeTrue(found != null, command + " is not on the PATH: install Debian's '" + debianPackage + "' package (.ci/run does)");
    return new Tool(found);
  }

  /** What one run printed (stdout and stderr together) and its exit code. */
  record Run(int exitCode, String output) {}

  /** Runs the tool in {@code dir} with these arguments, for at most two minutes. */
  Run run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(path));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 2 minutes");
    }
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
