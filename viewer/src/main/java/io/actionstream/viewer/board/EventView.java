package io.actionstream.viewer.board;

import io.actionstream.schemas.v1.ActionEvent;
import java.util.Base64;
import java.util.List;

/**
 * An action event as the page draws it: labels, boxes and the coarse attention map in normalized
 * source-frame coordinates, the model and the latency.
 *
 * @param camera camera id (shown as text only)
 * @param eventId the event's id
 * @param firstSequence first frame of the clip
 * @param lastSequence last frame of the clip
 * @param startTimeUs capture time of the first frame
 * @param labels the top labels, best first
 * @param boxes attention boxes, largest share first
 * @param map the coarse map, or null when the event has none
 * @param model model name
 * @param version model version
 * @param provider execution provider
 * @param captureToEventMs latency from the last frame's capture to the event
 */
public record EventView(String camera, String eventId, long firstSequence, long lastSequence, long startTimeUs, List<Label> labels,
    List<Box> boxes, Map map, String model, String version, String provider, double captureToEventMs) {

  public record Label(String label, double score) {}

  public record Box(double xMin, double yMin, double xMax, double yMax, double mass) {}

  /**
   * The map's cells (row-major, 0-255) over the source region it covers, which may reach beyond
   * the frame where the model's crop covers padding.
   */
  public record Map(int width, int height, String values, double xMin, double yMin, double xMax, double yMax) {}

  public static EventView of(ActionEvent event) {
    Map map = null;
    if (event.hasAttentionMap() && event.getAttentionMap().getWidth() > 0) {
      var m = event.getAttentionMap();
      map = new Map(m.getWidth(), m.getHeight(), Base64.getEncoder().encodeToString(m.getValues().toByteArray()), m.getXMin(),
          m.getYMin(), m.getXMax(), m.getYMax());
    }
    return new EventView(event.getCameraId(), event.getEventId(), event.getFirstSequenceNumber(), event.getLastSequenceNumber(),
        event.getStartTimeUs(), event.getLabelsList().stream().map(l -> new Label(l.getLabel(), l.getScore())).toList(),
        event.getBoxesList().stream().map(b -> new Box(b.getXMin(), b.getYMin(), b.getXMax(), b.getYMax(), b.getMass())).toList(),
        map, event.getModel().getName(), event.getModel().getVersion(), event.getModel().getExecutionProvider(),
        event.getTimings().getCaptureToEventMs());
  }
}
