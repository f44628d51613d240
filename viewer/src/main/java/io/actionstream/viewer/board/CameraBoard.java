package io.actionstream.viewer.board;

import io.actionstream.schemas.v1.ActionEvent;
import io.actionstream.schemas.v1.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the viewer remembers, bounded: per camera the latest frame and its last events, for at
 * most a fixed number of cameras (the one seen longest ago is forgotten first). Frames of a
 * camera are let through at most at a fixed rate on average (bursts of two); what a new page
 * needs is {@link #snapshot}.
 */
public final class CameraBoard {

  /** Everything a page shows of one camera. */
  public record CameraSnapshot(FrameView frame, List<EventView> events) {}

  private static final class Camera {
    FrameView frame;
    long lastFrameNanos = Long.MIN_VALUE;
    // a token bucket: time earned at the cap's rate, spent one interval per frame passed, holding
    // at most two, so that frames arriving at the cap's own rate with jitter are not thinned out
    long budgetNanos;
    final Deque<EventView> events = new ArrayDeque<>();
  }

  private final int history;
  private final long frameIntervalNanos;
  private final int maxCameras;
  private final LinkedHashMap<String, Camera> cameras = new LinkedHashMap<>(16, 0.75f, true);

  public CameraBoard(int history, long frameIntervalNanos, int maxCameras) {
    this.history = history;
    this.frameIntervalNanos = frameIntervalNanos;
    this.maxCameras = maxCameras;
  }

  /** Keeps the frame; returns it for the pages unless the camera's rate cap says skip it. */
  public synchronized Optional<FrameView> frame(Frame frame, long nowNanos) {
    Camera camera = camera(frame.getCameraId());
    camera.budgetNanos = camera.lastFrameNanos == Long.MIN_VALUE ? frameIntervalNanos
        : Math.min(2 * frameIntervalNanos, camera.budgetNanos + (nowNanos - camera.lastFrameNanos));
    camera.lastFrameNanos = nowNanos;
    if (camera.budgetNanos < frameIntervalNanos) {
      return Optional.empty();
    }
    camera.budgetNanos -= frameIntervalNanos;
    camera.frame = FrameView.of(frame);
    return Optional.of(camera.frame);
  }

  /** Keeps the event among the camera's last ones and returns it for the pages. */
  public synchronized EventView event(ActionEvent event) {
    Camera camera = camera(event.getCameraId());
    EventView view = EventView.of(event);
    camera.events.addLast(view);
    while (camera.events.size() > history) {
      camera.events.removeFirst();
    }
    return view;
  }

  /** Every camera's latest frame (or null before the first) and last events, oldest event first. */
  public synchronized Map<String, CameraSnapshot> snapshot() {
    Map<String, CameraSnapshot> out = new LinkedHashMap<>();
    cameras.forEach((id, camera) -> out.put(id, new CameraSnapshot(camera.frame, new ArrayList<>(camera.events))));
    return out;
  }

  public synchronized int cameras() {
    return cameras.size();
  }

  private Camera camera(String id) {
    Camera camera = cameras.computeIfAbsent(id, k -> new Camera());
    if (cameras.size() > maxCameras) {
      var eldest = cameras.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    return camera;
  }
}
