package io.actionstream.cli;

import java.util.Properties;

/**
 * The JavaCPP settings this process starts with unless the user gave their own, applied by
 * {@link Main} before anything loads JavaCPP (which reads them once, when its {@code Pointer}
 * class initializes).
 *
 * <p>{@code maxPhysicalBytes} is 0 (off): by default JavaCPP reads the process's resident size
 * from {@code /proc/self/statm} on every native allocation that has a deallocator (each OpenCV
 * {@code Mat}, {@code Rect}, {@code Size} and buffer), to run a GC when it exceeds twice the heap.
 * The stream threads make several such objects per frame, and that read was 6% of their CPU
 * (async-profiler); a frame's decode and preparation took 10 and 15 µs more with it. The
 * project's native objects are closed where they are made, {@code maxBytes} (the bytes JavaCPP
 * allocated, counted without a system call) still bounds what waits for the collector, and the
 * container's memory limit bounds the rest.
 */
final class JavaCppDefaults {

  static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";
  /** JavaCPP accepts its properties in lower case too; a user's setting in either form wins. */
  private static final String MAX_PHYSICAL_BYTES_LOWER = "org.bytedeco.javacpp.maxphysicalbytes";

  private JavaCppDefaults() {}

  /** Sets the defaults in {@code properties} where neither spelling of a key is set. */
  static void apply(Properties properties) {
    if (properties.getProperty(MAX_PHYSICAL_BYTES) == null && properties.getProperty(MAX_PHYSICAL_BYTES_LOWER) == null) {
      properties.setProperty(MAX_PHYSICAL_BYTES, "0");
    }
  }
}
