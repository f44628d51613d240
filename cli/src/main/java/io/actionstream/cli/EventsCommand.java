package io.actionstream.cli;

import com.google.protobuf.util.JsonFormat;
import io.actionstream.schemas.v1.ActionEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code actionstream events}: action events as JSON lines, for people and scripts. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print action events as JSON lines (protobuf's JSON mapping of actionstream.v1.ActionEvent), "
          + "reading committed events only. Runs until Ctrl-C, --max events or --timeout."
    },
    footer = {"", "Example:", "  actionstream events -b kafka:9092 --camera lobby | jq -r '.labels[0].label'"})
final class EventsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"-b", "--bootstrap-servers"}, required = true, paramLabel = "HOSTS", description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE", description = "Kafka consumer property; repeatable.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--topic", defaultValue = "action-events", description = "Events topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--from-beginning", description = "Start at the oldest event instead of new ones.")
  boolean fromBeginning;

  @Option(names = "--camera", paramLabel = "ID", description = "Only this camera's events.")
  String camera;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N events.")
  Long max;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop when no event arrived for this long.")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> props = new HashMap<>(kafkaProperties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "actionstream-events-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
    JsonFormat.Printer json = JsonFormat.printer().omittingInsignificantWhitespace();
    PrintWriter out = spec.commandLine().getOut();
    long printed = 0;
    long lastEvent = System.nanoTime();
    try (StopSignal stop = new StopSignal();
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (!stop.requested()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (camera != null && !camera.equals(record.key())) {
            continue;
          }
          out.println(json.print(ActionEvent.parseFrom(record.value())));
          out.flush();
          lastEvent = System.nanoTime();
          if (max != null && ++printed >= max) {
            return 0;
          }
        }
        if (timeout != null && System.nanoTime() - lastEvent > timeout.toNanos()) {
          return 0;
        }
      }
    }
    return 0;
  }
}
