package io.actionstream.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@code actionstream} command running in its own JVM, as an operator would start it: its
 * stdout lines can be awaited, its stderr is kept for assertions and failure messages.
 */
final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stderr = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Thread outReader;
  private final Thread errReader;
  private int logsSeen;

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.outReader = pump(process.getInputStream(), stdout::add, name + "-out");
    this.errReader = pump(process.getErrorStream(), stderr::add, name + "-err");
  }

  /** Starts {@code actionstream ARGS...} in a new JVM. */
  static ChildJvm start(String... args) throws IOException {
    return startIn(null, args);
  }

  /** Starts {@code actionstream ARGS...} in a new JVM whose project folder is {@code home}. */
  static ChildJvm startIn(Path home, String... args) throws IOException {
    return startWith(List.of("-Xmx1g"), home, args);
  }

  /** Starts {@code actionstream ARGS...} in a new JVM with these JVM options (heap size, ...). */
  static ChildJvm startWith(List<String> jvmOptions, Path home, String... args) throws IOException {
    String classpath =
        Files.readString(Path.of(System.getProperty("actionstream.child.classpath"))).trim();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    if (home != null) {
      command.add("-Dactionstream.home=" + home.toAbsolutePath().normalize());
    }
    command.add("-cp");
    command.add(classpath);
    command.add("io.actionstream.cli.Main");
    command.addAll(List.of(args));
    return new ChildJvm(String.join(" ", args), new ProcessBuilder(command).start());
  }

  /** Waits for a stdout line starting with {@code prefix} and returns it. */
  String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = stdout.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line == null && !process.isAlive()) {
        break;
      }
    }
    throw new AssertionError(
        "'" + name + "' printed no line starting with '" + prefix + "'; stderr:\n" + stderr());
  }

  /** Waits for a stderr (log) line containing {@code text} that was not matched before. */
  String awaitLog(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (stderr) {
        for (int i = logsSeen; i < stderr.size(); i++) {
          if (stderr.get(i).contains(text)) {
            logsSeen = i + 1;
            return stderr.get(i);
          }
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("'" + name + "' logged no line containing '" + text + "'; stderr:\n" + stderr());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process without warning (SIGKILL), as a crash or the OOM killer would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("'" + name + "' survived SIGKILL for 30 s");
    }
  }

  /** Waits for the process to exit and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("'" + name + "' still running after " + timeout + "; stderr:\n" + stderr());
    }
    outReader.join(5_000);
    errReader.join(5_000);
    return process.exitValue();
  }

  /**
   * Asks the process to stop as {@code kill} would (SIGTERM) and waits for it. Through its
   * handle, because {@link Process#destroy()} also closes our ends of its pipes, and the lines
   * it logs while shutting down would be lost.
   */
  int stop(Duration timeout) throws InterruptedException {
    process.toHandle().destroy();
    return awaitExit(timeout);
  }

  String stderr() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static Thread pump(InputStream in, java.util.function.Consumer<String> sink, String name) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                  sink.accept(line);
                }
              } catch (IOException closed) {
                // process ended
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
