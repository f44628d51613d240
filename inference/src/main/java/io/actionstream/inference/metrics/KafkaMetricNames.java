package io.actionstream.inference.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Makes Kafka's client metrics, as Micrometer bridges them, acceptable to {@code promtool check
 * metrics} without changing a value: the abbreviated units {@code ns} and {@code ms} are
 * spelled out as {@code nanos} and {@code millis} (still not seconds: the values stay as Kafka
 * reports them), gauges named {@code ...count} become {@code ...number} (a {@code _count}
 * suffix is reserved for histograms), and metrics that Kafka gives no description get one.
 */
public final class KafkaMetricNames implements MeterFilter {

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith("kafka.")) {
      return id;
    }
    String name = id.getName()
        .replace(".ns.", ".nanos.").replaceAll("\\.ns$", ".nanos")
        .replace(".ms.", ".millis.").replaceAll("\\.ms$", ".millis");
    if (id.getType() == Meter.Type.GAUGE && name.endsWith(".count")) {
      name = name.substring(0, name.length() - ".count".length()) + ".number";
    }
    String description = id.getDescription() == null || id.getDescription().isBlank()
        ? "Kafka client metric " + id.getName()
        : id.getDescription();
    return new Meter.Id(name, Tags.of(id.getTags()), id.getBaseUnit(), description, id.getType());
  }
}
