package io.actionstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** The JavaCPP settings {@link Main} starts with, and that JavaCPP itself reads them. */
class JavaCppDefaultsTest {

  @Test
  void turnsTheResidentSizeCheckOffUnlessTheUserSetIt() {
    Properties none = new Properties();
    JavaCppDefaults.apply(none);
    assertThat(none.getProperty(JavaCppDefaults.MAX_PHYSICAL_BYTES)).isEqualTo("0");

    Properties camel = new Properties();
    camel.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "8g");
    JavaCppDefaults.apply(camel);
    assertThat(camel.getProperty("org.bytedeco.javacpp.maxPhysicalBytes")).isEqualTo("8g");

    Properties lower = new Properties();
    lower.setProperty("org.bytedeco.javacpp.maxphysicalbytes", "8g");
    JavaCppDefaults.apply(lower);
    assertThat(lower.getProperty("org.bytedeco.javacpp.maxPhysicalBytes")).isNull();
  }

  /** In a fresh JVM, so that JavaCPP's Pointer initializes after the defaults, as under Main. */
  @Test
  void javaCppReadsTheDefaultWhenItInitializes() throws Exception {
    assertThat(probe()).isEqualTo("0");
    assertThat(probe("-Dorg.bytedeco.javacpp.maxPhysicalBytes=123456789")).isEqualTo("123456789");
  }

  private static String probe(String... jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  /** Applies the defaults as {@link Main} does, then asks JavaCPP what it took. */
  static final class Probe {
    public static void main(String[] args) {
      JavaCppDefaults.apply(System.getProperties());
      System.out.println(Pointer.maxPhysicalBytes());
    }
  }
}
