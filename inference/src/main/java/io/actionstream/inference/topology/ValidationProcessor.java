package io.actionstream.inference.topology;

import io.actionstream.inference.metrics.InferenceMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First step of the topology: usable frames go on to clip assembly (parsed and decoded), anything
 * else goes to the dead-letter topic unchanged, with the reason and a detail in its headers.
 */
final class ValidationProcessor implements Processor<String, byte[], String, Object> {

  static final String REASON_HEADER = "actionstream.dlq.reason";
  static final String DETAIL_HEADER = "actionstream.dlq.detail";

  private final FrameValidator validator;
  private final InferenceMetrics metrics;
  private ProcessorContext<String, Object> context;

  ValidationProcessor(FrameValidator validator, InferenceMetrics metrics) {
    this.validator = validator;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    metrics.frameConsumed();
    FrameValidator.Result result = validator.validate(record.key(), record.value());
    if (result.valid()) {
      context.forward(record.<Object>withValue(new DecodedFrame(result.frame(), result.image())), InferenceTopology.CLIPS);
      return;
    }
    metrics.deadLettered(result.reason().label());
    Record<String, Object> dead = record.<Object>withValue(record.value());
    dead.headers().add(REASON_HEADER, result.reason().label().getBytes(StandardCharsets.UTF_8));
    String detail = result.detail().length() > 500 ? result.detail().substring(0, 500) : result.detail();
    dead.headers().add(DETAIL_HEADER, detail.getBytes(StandardCharsets.UTF_8));
    context.forward(dead, InferenceTopology.DEAD_LETTERS);
  }

  /** Narrows the value type for the processor graph; frames are already validated. */
  static DecodedFrame decodedOf(Object value) {
    return (DecodedFrame) value;
  }
}
