package io.actionstream.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Makes DJL run offline: its PyTorch CPU natives come from the jar on the class path and
 * nothing is downloaded. Call once, before DJL is first used; settings given explicitly (as
 * system properties or environment variables) win.
 */
public final class OfflineEngine {

  private OfflineEngine() {}

  public static void configure(Path cacheDir) {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("PYTORCH_FLAVOR", "cpu");
    setIfAbsent("PYTORCH_VERSION", pytorchVersion());
    setIfAbsent("DJL_CACHE_DIR", cacheDir.toString());
    setIfAbsent("ENGINE_CACHE_DIR", cacheDir.toString());
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }

  private static String pytorchVersion() {
    try (InputStream in = OfflineEngine.class.getResourceAsStream("/actionstream-training.properties")) {
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("pytorch.version");
    } catch (IOException | NullPointerException e) {
      throw new UncheckedIOException(new IOException("actionstream-training.properties is missing from the class path", e));
    }
  }
}
