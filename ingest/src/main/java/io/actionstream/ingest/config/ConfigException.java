package io.actionstream.ingest.config;

/**
 * A configuration that cannot be used. The message always starts with the setting at fault
 * (e.g. {@code cameras[1].fps}) so that an operator can find it in the file.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String setting;

  public ConfigException(String setting, String problem) {
    super(setting + ": " + problem);
    this.setting = setting;
  }

  public ConfigException(String setting, String problem, Throwable cause) {
    super(setting + ": " + problem, cause);
    this.setting = setting;
  }

  /** Path of the offending setting, e.g. {@code cameras[1].fps}. */
  public String setting() {
    return setting;
  }
}
