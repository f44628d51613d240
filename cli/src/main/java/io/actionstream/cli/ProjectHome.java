package io.actionstream.cli;

import java.nio.file.Path;

/**
 * The project folder, for default paths of bundled files (the sample video, the shipped model):
 * {@code bin/actionstream} passes it as the {@code actionstream.home} system property; otherwise
 * the working directory.
 */
final class ProjectHome {

  private ProjectHome() {}

  static Path resolve(String relative) {
    String home = System.getProperty("actionstream.home");
    return (home != null ? Path.of(home) : Path.of("")).resolve(relative).toAbsolutePath().normalize();
  }
}
