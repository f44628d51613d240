package io.actionstream.it.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.AttentionBox;
import io.actionstream.schemas.v1.AttentionMap;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.LabelScore;
import io.actionstream.schemas.v1.ModelRef;
import io.actionstream.schemas.v1.Region;
import io.actionstream.viewer.ViewerConfig;
import io.actionstream.viewer.ViewerService;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The viewer's load benchmark ({@code bin/viewer-load}; not part of the default test run): many
 * real-time cameras' frames and events on an embedded broker, one headless Chromium tab on the
 * page. Prints, every 10 s, the viewer's consumer lag, the heap of this JVM, and the tab's
 * frames received, JavaScript heap and main-thread busy share; checks that the lag stays flat
 * and the tab receives what the frame-rate cap lets through.
 */
@Tag("viewer-load")
class ViewerLoadTest {

  @TempDir Path dir;

  @Test
  void manyCamerasAtTheirFrameRateInOneTab() throws Exception {
    int cameras = Integer.getInteger("actionstream.viewer.cameras", 64);
    double fps = Double.parseDouble(System.getProperty("actionstream.viewer.fps", "8"));
    Duration length = Duration.parse("PT" + System.getProperty("actionstream.viewer.duration", "60s").toUpperCase());
    ChromeDriver browser = Browser.start(dir.resolve("profile"));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      Map<String, String> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
      try (Admin admin = Admin.create(new HashMap<>(kafka))) {
        admin.createTopics(List.of(new NewTopic("frames", 8, (short) 1), new NewTopic("action-events", 8, (short) 1))).all().get();
      }
      try (ViewerService viewer = ViewerService.start(ViewerConfig.defaults(kafka).withPort(0))) {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong framesSent = new AtomicLong();
        Thread cameraThread = new Thread(() -> feed(kafka, cameras, fps, running, framesSent), "cameras");
        cameraThread.start();
        browser.get("http://127.0.0.1:" + viewer.port() + "/");
        browser.executeCdpCommand("Performance.enable", Map.of());
        System.out.printf("viewer load: %d cameras at %.0f fps (%.0f frames/s, about %d KB/s of JPEG), one tab, %s%n", cameras, fps,
            cameras * fps, (long) (cameras * fps * JPEG.length / 1024), length);
        System.out.println("   t   frames sent  frames in tab   tab frames/s  events in tab  viewer lag  JVM heap MB  tab JS heap MB"
            + "  tab main thread busy");
        List<Double> lags = new ArrayList<>();
        long start = System.nanoTime();
        long lastFrames = 0;
        double lastBusy = 0;
        long lastT = start;
        while (System.nanoTime() - start < length.toNanos()) {
          Thread.sleep(10_000);
          long now = System.nanoTime();
          @SuppressWarnings("unchecked")
          Map<String, Object> stats = (Map<String, Object>) browser.executeScript("return window.actionstreamStats;");
          Map<String, Double> metrics = performance(browser);
          long frames = ((Number) stats.get("frames")).longValue();
          double busy = metrics.getOrDefault("TaskDuration", 0.0);
          double lag = scrape(viewer.port(), "actionstream_viewer_consumer_lag_records");
          lags.add(lag);
          double seconds = (now - lastT) / 1e9;
          System.out.printf("%4ds  %11d  %13d  %13.0f  %13d  %10.0f  %11.0f  %14.1f  %19.0f%%%n", (now - start) / 1_000_000_000,
              framesSent.get(), frames, (frames - lastFrames) / seconds, ((Number) stats.get("events")).longValue(), lag,
              ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6,
              metrics.getOrDefault("JSHeapUsedSize", 0.0) / 1e6, 100 * (busy - lastBusy) / seconds);
          lastFrames = frames;
          lastBusy = busy;
          lastT = now;
        }
        running.set(false);
        cameraThread.join();
        double sentRate = cameras * fps;
        System.out.printf("viewer load: consumer lag max %.0f records over the run; the tab received %.0f%% of the frames sent%n",
            lags.stream().mapToDouble(Double::doubleValue).max().orElse(0),
            100.0 * lastFrames / Math.max(1, framesSent.get()));
        assertThat(lags.subList(lags.size() / 2, lags.size())).as("the viewer's lag in the second half of the run")
            .allMatch(lag -> lag < sentRate * 2);
        assertThat((double) lastFrames).as("frames that reached the tab").isGreaterThan(0.8 * framesSent.get());
      }
    } finally {
      browser.quit();
    }
  }

  private static final byte[] JPEG = jpeg();

  /** A 224x224 JPEG of noise over a gradient: about the size of an ingest frame. */
  private static byte[] jpeg() {
    BufferedImage image = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(1);
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 224; x++) {
        int noise = random.nextInt(40);
        image.setRGB(x, y, ((x + noise) << 16) | ((y + noise) << 8) | (128 + noise));
      }
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "jpg", out);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every camera's frames at {@code fps}, in real time, and an event per camera every 16 frames. */
  private static void feed(Map<String, String> kafka, int cameras, double fps, AtomicBoolean running, AtomicLong sent) {
    byte[] map = new byte[4 * 14 * 14 / 4];
    new Random(2).nextBytes(map);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(Map.of("bootstrap.servers",
        kafka.get("bootstrap.servers"), "linger.ms", "5")), new StringSerializer(), new ByteArraySerializer())) {
      long period = (long) (1e9 / fps);
      long next = System.nanoTime();
      for (long sequence = 0; running.get(); sequence++) {
        for (int c = 0; c < cameras; c++) {
          String camera = "cam-" + c;
          producer.send(new ProducerRecord<>("frames", camera, Frame.newBuilder().setCameraId(camera).setSequenceNumber(sequence)
              .setCaptureTimeUs(System.currentTimeMillis() * 1000).setImage(ByteString.copyFrom(JPEG)).setWidth(224).setHeight(224)
              .setSourceWidth(224).setSourceHeight(224).setSourceRegion(Region.newBuilder().setWidth(224).setHeight(224))
              .setImageRegion(Region.newBuilder().setWidth(224).setHeight(224)).build().toByteArray()));
          sent.incrementAndGet();
          if ((sequence + c) % 16 == 15) {
            producer.send(new ProducerRecord<>("action-events", camera, ActionEvent.newBuilder().setCameraId(camera)
                .setEventId(camera + "-" + sequence).setFirstSequenceNumber(sequence - 15).setLastSequenceNumber(sequence)
                .addLabels(LabelScore.newBuilder().setLabel("wave").setScore(0.8f))
                .addLabels(LabelScore.newBuilder().setLabel("jump").setScore(0.1f))
                .addBoxes(AttentionBox.newBuilder().setXMin(0.3f).setYMin(0.3f).setXMax(0.6f).setYMax(0.7f).setMass(0.6f))
                .setAttentionMap(AttentionMap.newBuilder().setWidth(14).setHeight(14).setValues(ByteString.copyFrom(map, 0, 196))
                    .setXMax(1).setYMax(1))
                .setModel(ModelRef.newBuilder().setName("student").setVersion("load").setExecutionProvider("cpu"))
                .build().toByteArray()));
          }
        }
        next += period;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Double> performance(ChromeDriver browser) {
    Map<String, Double> out = new HashMap<>();
    Map<String, Object> answer = browser.executeCdpCommand("Performance.getMetrics", Map.of());
    for (Map<String, Object> metric : (List<Map<String, Object>>) answer.get("metrics")) {
      out.put((String) metric.get("name"), ((Number) metric.get("value")).doubleValue());
    }
    return out;
  }

  private static double scrape(int port, String metric) throws Exception {
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    Optional<String> line = page.body().lines().filter(l -> l.startsWith(metric + " ")).findFirst();
    return line.map(l -> Double.parseDouble(l.substring(metric.length() + 1))).orElse(Double.NaN);
  }
}
