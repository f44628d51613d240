package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.inference.batch.ClipInference;
import io.actionstream.inference.batch.ClipTiming;
import io.actionstream.inference.clip.ClipAssembler;
import io.actionstream.inference.clip.ClipState;
import io.actionstream.inference.event.EventFactory;
import io.actionstream.inference.image.FramePixels;
import io.actionstream.inference.image.PreparedFrames;
import io.actionstream.inference.topology.DecodedFrame;
import io.actionstream.inference.topology.FrameValidator;
import io.actionstream.ingest.FrameTopicReader;
import io.actionstream.ingest.IngestService;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelMetadata;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.attention.AttentionBoxes;
import io.actionstream.model.clip.ClipCadence;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.PixelInput;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.AttentionBox;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.ClipWindow;
import io.actionstream.training.dataset.DatasetReader;
import io.actionstream.training.dataset.DecodedVideo;
import io.actionstream.training.dataset.FrameCache;
import io.actionstream.training.dataset.VideoDataset;
import io.actionstream.training.dataset.VideoSample;
import io.actionstream.training.evaluation.ClipResult;
import io.actionstream.training.evaluation.Localization;
import io.actionstream.training.synth.SynthActionsWriter;
import io.actionstream.training.synth.SynthOptions;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training sees what serving sees. One generated SynthActions video goes down both paths with
 * the shipped student's contract: the real ingest publishes it to a real broker and the frames
 * are validated, assembled into a clip and prepared by the code the inference topology runs, and
 * the network's own front end ({@link PixelInput}, which serving runs in ONNX Runtime) turns the
 * clip's pixels into its tensor; the trainer's data pipeline ({@link FrameCache} and {@link
 * ClipSampler}) turns the same file into its evaluation clip. The two tensors must be identical,
 * the served network must answer as the checked one does, and the boxes the training report
 * scores must be the boxes an event carries for that clip.
 */
class TrainingServingParityTest {

  @TempDir static Path dir;
  private static StudentModel student;
  private static StudentModel checked;
  private static List<Frame> served;
  private static ByteBuffer servingPixels;
  private static float[] servingTensor;
  private static float[] trainingTensor;
  private static DecodedVideo prepared;
  private static ClipSampler sampler;
  private static ClipWindow window;
  private static final Map<ImageFormat, float[]> uncompressedTensors = new java.util.EnumMap<>(ImageFormat.class);

  @BeforeAll
  static void runBothPaths() throws Exception {
    Path shipped = Path.of(System.getProperty("actionstream.shipped.model"));
    student = StudentModel.load(Files.readAllBytes(shipped), ExecutionProvider.CPU, shipped.toString(), StudentModel.Feed.PIXELS);
    checked = StudentModel.load(Files.readAllBytes(shipped), ExecutionProvider.CPU, shipped.toString());
    ModelSpec spec = student.spec();
    // six clips a class, so that the training list (the groups after the first fifth) is not empty
    new SynthActionsWriter(SynthOptions.DEFAULTS.withClipsPerClass(6)).write(dir.resolve("data"), 2, done -> {});
    VideoDataset data = DatasetReader.read(dir.resolve("data"), 1);
    VideoSample sample = data.train().get(0);

    // serving: the ingest's encoding through Kafka, then the inference's validation, clip assembly and tensor
    served = ingested(sample, spec, null);
    assertThat(FrameEncodings.sameFitting(spec.frameEncoding(), served.get(0)))
        .as("the ingest's default frames (%dx%d, %s, %s) are the ones the shipped student was trained on (%s)", served.get(0).getWidth(),
            served.get(0).getHeight(), served.get(0).getResizeMode(), served.get(0).getEncoding(), spec.frameEncoding())
        .isTrue();
    servingPixels = servingPixels(served, spec);
    servingTensor = networkTensor(servingPixels, spec);

    // training: the trainer's cache and sampler, the evaluation crop of the clip that starts at frame 0
    FrameCache cache = new FrameCache(dir.resolve("cache"), spec, 512);
    prepared = cache.load(sample);
    sampler = new ClipSampler(new ClipSpec(spec, 1));
    window = firstClip(sampler, prepared);
    trainingTensor = new float[spec.clipValues()];
    sampler.rgb(prepared, window, trainingTensor, 0);
  }

  /** The frames the real ingest publishes to a real broker for the video, in {@code encoding} (null: the default). */
  private static List<Frame> ingested(VideoSample sample, ModelSpec spec, String encoding) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      var tree = IngestConfigReader.emptyTree();
      tree.putObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
      tree.put("metricsPort", -1);
      var defaults = tree.putObject("defaults").put("fps", spec.fps()).put("realtime", false);
      if (encoding != null) {
        defaults.put("encoding", encoding);
      }
      tree.putArray("cameras").addObject().put("id", "cam").put("uri", sample.video().toString());
      try (IngestService ingest = IngestService.start(IngestConfigReader.fromTree(tree))) {
        return FrameTopicReader.readUntil(broker.bootstrapServers(), "frames", f -> f.size() >= spec.frames(), Duration.ofSeconds(60))
            .stream().map(FrameTopicReader.KeyedFrame::frame).toList();
      }
    }
  }

  /** The evaluation crop of the clip that starts at frame 0. */
  private static ClipWindow firstClip(ClipSampler sampler, DecodedVideo video) {
    ClipWindow centre = sampler.centreWindow(video);
    return new ClipWindow(0, centre.cropX(), centre.cropY(), false, false);
  }

  /** What the inference topology does with a camera's frames, up to the pixels it hands the network. */
  private static ByteBuffer servingPixels(List<Frame> frames, ModelSpec spec) {
    FrameValidator validator = new FrameValidator(4096, Duration.ofMinutes(10), Clock.systemUTC());
    ClipAssembler assembler = new ClipAssembler(2);
    ClipState state = new ClipState();
    List<String> keys = new ArrayList<>();
    List<Frame> valid = new ArrayList<>();
    try (PreparedFrames pixels = new PreparedFrames(); ClipPreprocessor batching = new ClipPreprocessor()) {
      for (Frame frame : frames) {
        FrameValidator.Result result = validator.validate(frame.getCameraId(), frame.toByteArray());
        assertThat(result.valid()).as("frame %d: %s", frame.getSequenceNumber(), result.detail()).isTrue();
        String key = "cam/" + frame.getSequenceNumber();
        try (DecodedFrame decoded = new DecodedFrame(result.frame(), result.image())) {
          pixels.arrived(key, decoded, spec);
        }
        keys.add(key);
        valid.add(result.frame());
        if (assembler.add(state, frame.getSessionId(), frame.getSegment(), frame.getSequenceNumber(), valid.size() - 1,
            ClipCadence.of(spec.frames(), 0))
            == ClipAssembler.Outcome.COMPLETED_CLIP) {
          assertThat(state.ready().get(0).sequences()).as("the first clip is frames 0-15").startsWith(0L).hasSize(spec.frames());
          ByteBuffer clip = ByteBuffer.allocateDirect(spec.clipValues());
          int frameBytes = spec.clipValues() / spec.frames();
          List<FramePixels> clipPixels = pixels.pixels(keys, valid, spec);
          for (int k = 0; k < clipPixels.size(); k++) {
            clipPixels.get(k).copyTo(clip, k * frameBytes, batching);
          }
          return clip;
        }
      }
    }
    throw new AssertionError("the ingest published " + frames.size() + " frames, no complete clip");
  }

  /** The tensor the served network computes from the clip's pixels: its front end, run alone in ONNX Runtime. */
  private static float[] networkTensor(ByteBuffer pixels, ModelSpec spec) throws Exception {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession frontEnd = environment.createSession(PixelInput.frontEnd(spec), new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(environment, pixels.duplicate(),
            new long[] {1, spec.frames(), spec.height(), spec.width(), 3}, OnnxJavaType.UINT8);
        OrtSession.Result result = frontEnd.run(Map.of(ModelContract.PIXELS, input))) {
      FloatBuffer values = ((OnnxTensor) result.get(ModelContract.INPUT).orElseThrow()).getFloatBuffer();
      float[] tensor = new float[values.remaining()];
      values.get(tensor);
      return tensor;
    }
  }

  @AfterAll
  static void close() {
    if (student != null) {
      student.close();
    }
    if (checked != null) {
      checked.close();
    }
  }

  @Test
  void bothPathsTurnTheVideoIntoTheSameTensor() {
    assertThat(served).as("the ingest published every frame of the 8 fps video").hasSizeGreaterThanOrEqualTo(student.spec().frames());
    assertThat(servingTensor).as("a picture, not a flat tensor").doesNotHave(sameEverywhere());
    // Both decode the same file with FFmpeg, scale and JPEG-encode it with the shared encoder, and
    // decode and resize it with the shared preprocessing; training normalizes in Java, serving in
    // the network's front end, with the same constants and operations: every float is the same.
    assertThat(trainingTensor).hasSameSizeAs(servingTensor);
    int first = java.util.Arrays.mismatch(trainingTensor, servingTensor);
    assertThat(first).as("the first value that differs (%s)", first < 0 ? "none" : trainingTensor[first] + " vs " + servingTensor[first])
        .isEqualTo(-1);
    // and the served network (fed pixels) answers as the network training checks (fed floats)
    assertThat(student.run(servingPixels.duplicate(), 1).logits())
        .containsExactly(checked.run(trainingTensor, 1).logits(), org.assertj.core.data.Offset.offset(1e-5f));
  }

  @ParameterizedTest(name = "{0} frames")
  @ValueSource(strings = {"raw", "i420"})
  void uncompressedFramesGiveTheSameTensorOnBothPathsToo(String encoding, @TempDir Path rawDir) throws Exception {
    // a student trained on uncompressed frames: the shipped contract with the BGR24 or I420 frame encoding
    ImageFormat format = ImageFormat.parse(encoding);
    ModelSpec jpeg = student.spec();
    Map<String, String> metadata = new java.util.LinkedHashMap<>(ModelMetadata.write(jpeg));
    metadata.put(ModelContract.INPUT_KEY, com.google.protobuf.util.JsonFormat.printer().print(jpeg.input().toBuilder()
        .setFrameEncoding(jpeg.frameEncoding().toBuilder().setEncoding(format.toProto()).setQuality(0))));
    ModelSpec spec = ModelMetadata.read(metadata);
    new SynthActionsWriter(SynthOptions.DEFAULTS.withClipsPerClass(6)).write(rawDir.resolve("data"), 2, done -> {});
    VideoSample sample = DatasetReader.read(rawDir.resolve("data"), 1).train().get(0);

    List<Frame> frames = ingested(sample, spec, encoding);
    assertThat(frames.get(0).getEncoding()).isEqualTo(format.toProto());
    assertThat((long) frames.get(0).getImage().size()).isEqualTo(format.pixelBytes(frames.get(0).getWidth(), frames.get(0).getHeight()));
    assertThat(FrameEncodings.sameFitting(spec.frameEncoding(), frames.get(0))).isTrue();
    float[] serving = networkTensor(servingPixels(frames, spec), spec);

    DecodedVideo video = new FrameCache(rawDir.resolve("cache"), spec, 512).load(sample);
    ClipSampler rawSampler = new ClipSampler(new ClipSpec(spec, 1));
    float[] training = new float[spec.clipValues()];
    rawSampler.rgb(video, firstClip(rawSampler, video), training, 0);

    assertThat(serving).doesNotHave(sameEverywhere());
    int first = java.util.Arrays.mismatch(training, serving);
    assertThat(first).as("the first value that differs (%s)", first < 0 ? "none" : training[first] + " vs " + serving[first])
        .isEqualTo(-1);
    // no JPEG on either path: not the JPEG frames' tensor
    assertThat(serving).isNotEqualTo(servingTensor);
    uncompressedTensors.put(format, serving);
    if (uncompressedTensors.size() == 2) {
      // I420 is lossy (BT.601's limited range, colour at half resolution): not BGR24's tensor
      assertThat(uncompressedTensors.get(ImageFormat.I420)).isNotEqualTo(uncompressedTensors.get(ImageFormat.RAW));
    }
  }

  private static org.assertj.core.api.Condition<float[]> sameEverywhere() {
    return new org.assertj.core.api.Condition<>(values -> {
      for (float v : values) {
        if (v != values[0]) {
          return false;
        }
      }
      return true;
    }, "the same value everywhere");
  }

  @Test
  void theBoxesTheReportScoresAreTheBoxesTheEventCarries() {
    ModelSpec spec = student.spec();
    StudentModel.Output out = student.run(servingPixels.duplicate(), 1);
    float[] probabilities = new float[spec.labels().size()];
    probabilities[0] = 1;
    ActionEvent event = new EventFactory(3, AttentionBoxes.defaults(), false)
        .create(served.subList(0, spec.frames()), new ClipInference(probabilities, out.attention(), spec, "cpu", 1, 1, new ClipTiming(0, 0, 0)), 0);

    ClipResult result = new ClipResult(0, 0, probabilities, out.attention(), sampler.boxes(prepared, window),
        sampler.geometry(prepared, window), -1);
    List<AttentionBox> scored = Localization.boxesOf(result, spec);

    assertThat(event.getBoxesList()).isNotEmpty();
    assertThat(scored).isEqualTo(event.getBoxesList());
  }
}
