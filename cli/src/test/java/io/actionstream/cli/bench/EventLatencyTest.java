package io.actionstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.actionstream.schemas.v1.Timings;
import org.junit.jupiter.api.Test;

class EventLatencyTest {

  @Test
  void theReceiptIsCountedFromTheCaptureNotFromTheEventsCreation() {
    // last frame captured at 10.000 s, event created at 10.045 s, received at 10.130 s
    Timings timings = Timings.newBuilder().setEventTimeUs(10_045_000).setCaptureToEventMs(45f).build();

    EventLatency latency = EventLatency.of(timings, 10_130_000);

    assertThat(latency.captureToEventMs()).isEqualTo(45.0);
    assertThat(latency.captureToReceiptMs()).isCloseTo(130.0, within(1e-9));
  }
}
