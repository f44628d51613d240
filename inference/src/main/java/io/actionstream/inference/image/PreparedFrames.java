package io.actionstream.inference.image;

import io.actionstream.inference.topology.DecodedFrame;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.schemas.v1.Frame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How serving prepares a camera's frames for the network, with the shared {@link
 * ClipPreprocessor}: each frame is prepared (resized and cropped for the model) when it arrives,
 * decoded once by validation, and waits in memory by frame key with its message, so that a
 * complete clip neither reads its frames back from the store nor decodes them: its frames'
 * pixels go to the network as they are (which normalizes them, see {@code PixelInput}). An
 * uncompressed frame at the model's resize is not copied at all until its crop goes into a batch.
 * Kept in memory only: after a restart or a rebalance clip assembly reads the frames back from the frames
 * topic and prepares them again. One instance per stream task (it reuses the preprocessor's buffers).
 */
public final class PreparedFrames implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PreparedFrames.class);

  private record Entry(ModelSpec spec, Frame frame, FramePixels pixels) {}

  private final Map<String, Entry> entries = new HashMap<>();
  private final ClipPreprocessor preprocessor = new ClipPreprocessor();

  /**
   * Prepares an arriving frame for {@code spec} (an uncompressed frame at the model's resize needs
   * nothing: its crop is cut from its bytes into the batch); on failure its clip decodes it again later.
   */
  public void arrived(String key, DecodedFrame decoded, ModelSpec spec) {
    try {
      put(key, spec, decoded.frame(), prepared(decoded.frame(), decoded.image(), spec));
    } catch (RuntimeException e) {
      log.warn("Frame {} of camera '{}' could not be prepared on arrival ({}); its clip will decode it again",
          decoded.frame().getSequenceNumber(), decoded.frame().getCameraId(), e.getMessage());
    }
  }

  /** The frame's pixels for {@code spec}: an uncompressed crop left in the frame, or prepared now (decoding it unless {@code image} is given). */
  private FramePixels prepared(Frame frame, Mat image, ModelSpec spec) {
    if (ClipPreprocessor.croppableFromBytes(frame, spec)) {
      return new FramePixels.RawCrop(frame, spec);
    }
    return new FramePixels.Prepared(image != null ? preprocessor.prepare(image, frame, spec) : preprocessor.prepare(frame, spec));
  }

  /**
   * The pixels of the clip of {@code frames} (stored under {@code keys}) for {@code spec}, frame by
   * frame: those prepared on arrival where they are there, else prepared again. The arrays are
   * shared, never written after they are prepared.
   *
   * @throws IllegalArgumentException when a frame has to be decoded and cannot be
   */
  public List<FramePixels> pixels(List<String> keys, List<Frame> frames, ModelSpec spec) {
    List<FramePixels> clip = new ArrayList<>(frames.size());
    for (int k = 0; k < frames.size(); k++) {
      FramePixels pixels = get(keys.get(k), spec);
      clip.add(pixels != null ? pixels : prepared(frames.get(k), null, spec));
    }
    return clip;
  }

  public void put(String key, ModelSpec spec, Frame frame, FramePixels pixels) {
    entries.put(key, new Entry(spec, frame, pixels));
  }

  /** The frame prepared under {@code key}, or null when it is not in memory. */
  public Frame frame(String key) {
    Entry entry = entries.get(key);
    return entry != null ? entry.frame() : null;
  }

  /** The frame's pixels if they were prepared for a model with the same input as {@code spec}; else null. */
  public FramePixels get(String key, ModelSpec spec) {
    Entry entry = entries.get(key);
    return entry != null && spec.sameInputAs(entry.spec()) ? entry.pixels() : null;
  }

  public void remove(String key) {
    entries.remove(key);
  }

  public int size() {
    return entries.size();
  }

  public void clear() {
    entries.clear();
  }

  @Override
  public void close() {
    entries.clear();
    preprocessor.close();
  }
}
