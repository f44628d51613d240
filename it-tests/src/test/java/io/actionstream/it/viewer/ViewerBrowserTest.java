package io.actionstream.it.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.inference.InferenceConfig;
import io.actionstream.inference.InferenceService;
import io.actionstream.ingest.IngestService;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.AttentionBox;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.LabelScore;
import io.actionstream.training.synth.DemoVideo;
import io.actionstream.training.synth.SynthOptions;
import io.actionstream.viewer.ViewerConfig;
import io.actionstream.viewer.ViewerService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The live page in a real browser (Debian's headless Chromium) against the real pipeline:
 * embedded broker, inference with the shipped student, ingest of a generated video as two
 * cameras, and the viewer. What the page shows is compared with what is on the topics.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewerBrowserTest {

  static final Path SCREENSHOT = Path.of(System.getProperty("actionstream.project.root"), "it-tests/target/viewer.png");
  private static final String HOSTILE = "<img src=x onerror=alert(1)>";

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static InferenceService inference;
  private static IngestService ingest;
  private static ViewerService viewer;
  private static ChromeDriver browser;
  private static Map<String, String> kafka;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    browser = Browser.start(dir.resolve("chromium-profile"));
    broker = EmbeddedKafkaBroker.start();
    kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
    inference = InferenceService.start(InferenceConfig.builder(kafka).applicationId("viewer-test")
        .modelFile(Path.of(System.getProperty("actionstream.shipped.model"))).provider(ExecutionProvider.CPU).streamThreads(1)
        .stateDir(dir.resolve("state")).metricsPort(-1).build());
    Path video = dir.resolve("cameras.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(7), 4, 16);
    ingest = IngestService.start(IngestConfigReader.read(Files.writeString(dir.resolve("cameras.yaml"), """
        kafka: {bootstrap.servers: '%s'}
        metricsPort: -1
        defaults: {fps: 8, loop: true}
        cameras:
          - {id: gate, uri: '%s'}
          - {id: yard, uri: '%s'}
        """.formatted(broker.bootstrapServers(), video, video))));
    viewer = ViewerService.start(ViewerConfig.defaults(kafka).withPort(0));
    port = viewer.port();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    for (AutoCloseable service : new AutoCloseable[] {viewer, ingest, inference, broker}) {
      try {
        if (service != null) {
          service.close();
        }
      } catch (Exception e) {
        System.err.println("closing: " + e);
      }
    }
  }

  @Test
  @Order(1)
  void oneTilePerCameraWithTheLatestEventsLabelBoxesWhereTheEventSaysAndAHeatMap() throws Exception {
    browser.get("http://127.0.0.1:" + port + "/");
    awaitTrue("two tiles with an event and a frame", () -> (Boolean) browser.executeScript(
        "const t = [...document.querySelectorAll('.tile')];"
            + "return t.length === 2 && t.every(x => x.dataset.eventId && x.dataset.frameSequence"
            + " && x.querySelector('.frame').complete && x.querySelector('.frame').naturalWidth > 0);"));
    assertThat(text("#status")).isEqualTo("live");

    Map<String, Frame> frames = new HashMap<>();
    for (String camera : List.of("gate", "yard")) {
      // one consistent reading of the tile: the event it shows, its label, its boxes, its heat map
      @SuppressWarnings("unchecked")
      Map<String, Object> tile = (Map<String, Object>) browser.executeScript(
          "const t = [...document.querySelectorAll('.tile')].find(x => x.dataset.camera === arguments[0]);"
              + "const stage = t.querySelector('.stage').getBoundingClientRect();"
              + "const boxes = [...t.querySelectorAll('.box')].map(b => { const r = b.getBoundingClientRect();"
              + "  return [(r.left - stage.left) / stage.width, (r.top - stage.top) / stage.height,"
              + "          (r.right - stage.left) / stage.width, (r.bottom - stage.top) / stage.height]; });"
              + "return {eventId: t.dataset.eventId, top: t.querySelector('.labels li.top').textContent, boxes: boxes,"
              + " camera: t.querySelector('.camera').textContent};", camera);
      ActionEvent event = eventById((String) tile.get("eventId"));
      Frame frame = frames.computeIfAbsent(camera, ViewerBrowserTest::aFrameOf);
      assertThat(tile.get("camera")).isEqualTo(camera);
      assertThat((String) tile.get("top")).as("the tile's label is its event's top label")
          .startsWith(event.getLabels(0).getLabel() + " ");

      @SuppressWarnings("unchecked")
      List<List<Number>> boxes = (List<List<Number>>) tile.get("boxes");
      assertThat(boxes).hasSize(event.getBoxesCount());
      for (int i = 0; i < boxes.size(); i++) {
        AttentionBox box = event.getBoxes(i);
        double[] expected = {imageX(frame, box.getXMin()), imageY(frame, box.getYMin()), imageX(frame, box.getXMax()),
            imageY(frame, box.getYMax())};
        for (int k = 0; k < 4; k++) {
          assertThat(boxes.get(i).get(k).doubleValue()).as("%s box %d edge %d (fraction of the frame)", camera, i, k)
              .isCloseTo(expected[k], org.assertj.core.data.Offset.offset(0.015));
        }
      }
      assertHeatMapFollowsTheAttention(camera, event, frame);
    }
    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));
  }

  /** The heat layer is opaque where the event's map is high and clear where it is low. */
  private static void assertHeatMapFollowsTheAttention(String camera, ActionEvent event, Frame frame) {
    var map = event.getAttentionMap();
    assertThat(map.getWidth()).as("events carry the coarse map by default").isPositive();
    byte[] cells = map.getValues().toByteArray();
    int high = 0;
    int low = 0;
    for (int i = 0; i < cells.length; i++) {
      high = (cells[i] & 0xff) > (cells[high] & 0xff) ? i : high;
      low = (cells[i] & 0xff) < (cells[low] & 0xff) ? i : low;
    }
    long[] alphas = new long[2];
    int[] picks = {high, low};
    for (int p = 0; p < 2; p++) {
      double u = map.getXMin() + (picks[p] % map.getWidth() + 0.5) / map.getWidth() * (map.getXMax() - map.getXMin());
      double v = map.getYMin() + (picks[p] / map.getWidth() + 0.5) / map.getHeight() * (map.getYMax() - map.getYMin());
      alphas[p] = ((Number) browser.executeScript(
          "const t = [...document.querySelectorAll('.tile')].find(x => x.dataset.eventId === arguments[0]);"
              + "if (!t) return -1;"
              + "return t.querySelector('.heat').getContext('2d').getImageData(arguments[1], arguments[2], 1, 1).data[3];",
          event.getEventId(), (int) (imageX(frame, u) * frame.getWidth()), (int) (imageY(frame, v) * frame.getHeight()))).longValue();
    }
    if (alphas[0] < 0) {
      return; // a newer event arrived meanwhile; the boxes and label of this one were checked
    }
    assertThat(alphas[0]).as("%s: heat where attention is highest", camera).isGreaterThan(100);
    assertThat(alphas[1]).as("%s: heat where attention is lowest", camera).isLessThan(alphas[0] - 60);
  }

  @Test
  @Order(2)
  void filtersHideOtherCamerasAndAClickEnlargesACameraWithItsHistory() throws Exception {
    browser.get("http://127.0.0.1:" + port + "/");
    awaitTrue("two tiles with events", () -> (Boolean) browser.executeScript(
        "return [...document.querySelectorAll('.tile')].filter(t => t.dataset.eventId).length === 2;"));
    browser.findElement(By.id("filter-camera")).sendKeys("yar");
    assertThat(visibleCameras()).containsExactly("yard");
    browser.findElement(By.id("filter-camera")).clear();
    browser.executeScript("document.getElementById('filter-camera').dispatchEvent(new Event('input'));");
    String label = (String) browser.executeScript("return document.querySelector('.tile[data-camera=\"gate\"]').dataset.topLabel;");
    browser.findElement(By.id("filter-label")).sendKeys("no-such-label");
    assertThat(visibleCameras()).isEmpty();
    browser.findElement(By.id("filter-label")).clear();
    browser.findElement(By.id("filter-label")).sendKeys(label);
    // at one instant (a new event may change a tile's label at any time): shown exactly when its label matches
    assertThat((Boolean) browser.executeScript("const f = arguments[0].toLowerCase();"
        + "return [...document.querySelectorAll('.tile')].every(t =>"
        + " t.classList.contains('hidden') === !(t.dataset.topLabel || '').toLowerCase().includes(f));", label)).isTrue();
    browser.findElement(By.id("filter-label")).clear();
    browser.executeScript("document.getElementById('filter-label').dispatchEvent(new Event('input'));");

    browser.findElement(By.cssSelector(".tile[data-camera='gate']")).click();
    WebElement gate = browser.findElement(By.cssSelector(".tile[data-camera='gate']"));
    assertThat(gate.getAttribute("class")).contains("enlarged");
    assertThat(gate.findElement(By.cssSelector(".history")).isDisplayed()).isTrue();
    assertThat(gate.findElements(By.cssSelector(".history li"))).isNotEmpty();
    assertThat(gate.findElement(By.cssSelector(".history li")).getText()).contains("frames ");
    gate.click();
    assertThat(gate.getAttribute("class")).doesNotContain("enlarged");
  }

  @SuppressWarnings("unchecked")
  private static List<String> visibleCameras() {
    return (List<String>) browser.executeScript(
        "return [...document.querySelectorAll('.tile')].filter(t => !t.classList.contains('hidden')).map(t => t.dataset.camera);");
  }

  @Test
  @Order(3)
  void aHostileCameraIdIsShownAsTextAndRunsNothing() throws Exception {
    browser.get("http://127.0.0.1:" + port + "/");
    awaitTrue("the page is live", () -> "live".equals(text("#status")));
    Frame template = aFrameOf("gate");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(kafka), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("frames", HOSTILE, template.toBuilder().setCameraId(HOSTILE).build().toByteArray()));
      producer.send(new ProducerRecord<>("action-events", HOSTILE, ActionEvent.newBuilder().setCameraId(HOSTILE)
          .setEventId("hostile-1").addLabels(LabelScore.newBuilder().setLabel("<b onmouseover=alert(2)>wave</b>").setScore(0.9f))
          .build().toByteArray())).get();
    }
    awaitTrue("a tile for the hostile camera", () -> (Boolean) browser.executeScript(
        "return [...document.querySelectorAll('.tile')].some(t => t.dataset.camera === arguments[0] && t.dataset.eventId);",
        HOSTILE));
    @SuppressWarnings("unchecked")
    Map<String, Object> shown = (Map<String, Object>) browser.executeScript(
        "const t = [...document.querySelectorAll('.tile')].find(x => x.dataset.camera === arguments[0]);"
            + "return {title: t.querySelector('.camera').textContent, label: t.querySelector('.labels li').textContent,"
            + " injected: document.querySelectorAll('img[src=\"x\"], b[onmouseover]').length};", HOSTILE);
    assertThat(shown.get("title")).isEqualTo(HOSTILE);
    assertThat((String) shown.get("label")).startsWith("<b onmouseover=alert(2)>wave</b>");
    assertThat(((Number) shown.get("injected")).intValue()).as("elements made from the topics' strings").isZero();
    assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
  }

  @Test
  @Order(4)
  void thePageSaysWhenTheViewerIsGoneAndRecoversWhenItIsBack() throws Exception {
    browser.get("http://127.0.0.1:" + port + "/");
    awaitTrue("the page is live", () -> "live".equals(text("#status")));
    viewer.close();
    awaitTrue("the page says it is disconnected", () -> "disconnected".equals(attribute("#status", "data-state")));
    viewer = ViewerService.start(ViewerConfig.defaults(kafka).withPort(port));
    awaitTrue("the page is live again", () -> "live".equals(attribute("#status", "data-state")));
    String before = (String) browser.executeScript(
        "return document.querySelector('.tile[data-camera=\"gate\"]').dataset.eventId;");
    awaitTrue("new events reach the page", () -> !before.equals(browser.executeScript(
        "return document.querySelector('.tile[data-camera=\"gate\"]').dataset.eventId;")));
  }

  @Test
  @Order(5)
  void offLoopbackEveryRequestNeedsTheTokenAndStartingWithoutOneIsRefused() throws Exception {
    assertThatThrownBy(() -> ViewerService.start(ViewerConfig.defaults(kafka).withHost("0.0.0.0").withPort(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--token");
    String token = "test-token-4f9c2a71";
    try (ViewerService open = ViewerService.start(ViewerConfig.defaults(kafka).withHost("0.0.0.0").withPort(0).withToken(token))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + open.port();
      for (String path : List.of("/", "/index.html", "/viewer.js", "/viewer.css", "/stream")) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s without the token", path).isEqualTo(401);
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + path + "?token=not-the-token")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).as("%s with a wrong token", path).isEqualTo(401);
      }
      HttpResponse<String> probe = http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(probe.statusCode()).as("probes answer without the token").isEqualTo(200);
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/?token=" + token)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<title>actionstream");
      HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(base + "/viewer.js"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(script.statusCode()).isEqualTo(200);
      // and the browser, given the token in the address, gets a live page
      browser.get(base + "/?token=" + token);
      awaitTrue("the page with the token is live", () -> "live".equals(attribute("#status", "data-state")));
    }
  }

  private static ActionEvent eventById(String id) {
    return first("action-events", ActionEvent::parseFrom, e -> e.getEventId().equals(id), "event " + id);
  }

  private static Frame aFrameOf(String camera) {
    return first("frames", Frame::parseFrom, f -> f.getCameraId().equals(camera), "a frame of " + camera);
  }

  /** The first committed record of {@code topic} that parses into what {@code wanted} accepts. */
  private static <T> T first(String topic, Parser<T> parser, java.util.function.Predicate<T> wanted, String what) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
          T value = parser.parse(record.value());
          if (wanted.test(value)) {
            return value;
          }
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError(what + " is not on " + topic);
  }

  @FunctionalInterface
  private interface Parser<T> {
    T parse(byte[] bytes) throws com.google.protobuf.InvalidProtocolBufferException;
  }

  private static KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put("group.id", "viewer-test-" + System.nanoTime());
    props.put("auto.offset.reset", "earliest");
    props.put("isolation.level", "read_committed");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Normalized source x to a fraction of the frame image's width, as the ingest placed the source in it. */
  static double imageX(Frame f, double u) {
    var s = f.getSourceRegion();
    var i = f.getImageRegion();
    return (i.getX() + (u * f.getSourceWidth() - s.getX()) * i.getWidth() / s.getWidth()) / f.getWidth();
  }

  static double imageY(Frame f, double v) {
    var s = f.getSourceRegion();
    var i = f.getImageRegion();
    return (i.getY() + (v * f.getSourceHeight() - s.getY()) * i.getHeight() / s.getHeight()) / f.getHeight();
  }

  private static String text(String selector) {
    return (String) browser.executeScript("return document.querySelector(arguments[0]).textContent;", selector);
  }

  private static String attribute(String selector, String name) {
    return (String) browser.executeScript("return document.querySelector(arguments[0]).getAttribute(arguments[1]);", selector, name);
  }

  private static void awaitTrue(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what + "; page status: " + text("#status"));
  }
}
