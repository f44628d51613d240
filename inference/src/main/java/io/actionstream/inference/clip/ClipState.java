package io.actionstream.inference.clip;

import com.google.protobuf.InvalidProtocolBufferException;
import io.actionstream.schemas.v1.ClipAssemblyState;
import io.actionstream.schemas.v1.PendingClipState;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What clip assembly remembers about one camera, kept in a changelogged state store as a {@link
 * ClipAssemblyState} message: the ingest
 * session and segment it follows, the last sequence number seen, the frames of the clip being
 * filled, and complete clips that still wait for their event. The frames themselves live in a
 * separate store, one entry per frame, so updating this small record is cheap.
 */
public final class ClipState {

  /** First byte of the stored format before the protobuf message. */
  private static final byte LEGACY_FORMAT = 1;

  private String sessionId = "";
  private int segment = -1;
  private long lastSequence = -1;
  private final List<Long> partial = new ArrayList<>();
  private final List<PendingClip> ready = new ArrayList<>();

  /** A complete clip: its session and frame sequence numbers, in order. */
  public record PendingClip(String sessionId, List<Long> sequences) {
    public PendingClip {
      sequences = List.copyOf(sequences);
    }

    public long first() {
      return sequences.get(0);
    }

    public long last() {
      return sequences.get(sequences.size() - 1);
    }
  }

  public String sessionId() {
    return sessionId;
  }

  public int segment() {
    return segment;
  }

  public long lastSequence() {
    return lastSequence;
  }

  public List<Long> partial() {
    return partial;
  }

  public List<PendingClip> ready() {
    return ready;
  }

  void follow(String session, int newSegment) {
    this.sessionId = session;
    this.segment = newSegment;
  }

  void lastSequence(long sequence) {
    this.lastSequence = sequence;
  }

  /** Whether a frame of {@code session} with {@code sequence} is still needed by a clip. */
  public boolean references(String session, long sequence) {
    if (session.equals(sessionId) && partial.contains(sequence)) {
      return true;
    }
    for (PendingClip clip : ready) {
      if (clip.sessionId().equals(session) && clip.sequences().contains(sequence)) {
        return true;
      }
    }
    return false;
  }

  /** The state as its protobuf message (the store's and the changelog's value). */
  public ClipAssemblyState toProto() {
    ClipAssemblyState.Builder proto = ClipAssemblyState.newBuilder().setSessionId(sessionId).setSegment(segment)
        .setLastSequence(lastSequence).addAllPartial(partial);
    for (PendingClip clip : ready) {
      proto.addReady(PendingClipState.newBuilder().setSessionId(clip.sessionId()).addAllSequences(clip.sequences()));
    }
    return proto.build();
  }

  public static ClipState of(ClipAssemblyState proto) {
    ClipState state = new ClipState();
    state.sessionId = proto.getSessionId();
    state.segment = proto.getSegment();
    state.lastSequence = proto.getLastSequence();
    state.partial.addAll(proto.getPartialList());
    for (PendingClipState clip : proto.getReadyList()) {
      state.ready.add(new PendingClip(clip.getSessionId(), clip.getSequencesList()));
    }
    return state;
  }

  public byte[] serialize() {
    return toProto().toByteArray();
  }

  /**
   * Reads a stored state: the protobuf message, or the hand-written format of versions up to
   * 0.1 (its first byte is 1, which no protobuf message starts with: a field tag is at least 8),
   * so that a changelog written by an older version still restores.
   */
  public static ClipState parse(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == LEGACY_FORMAT) {
      return parseLegacy(bytes);
    }
    try {
      return of(ClipAssemblyState.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored clip state is not readable: " + e.getMessage(), e);
    }
  }

  private static ClipState parseLegacy(byte[] bytes) {
    ClipState state = new ClipState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      in.readByte();
      state.sessionId = in.readUTF();
      state.segment = in.readInt();
      state.lastSequence = in.readLong();
      state.partial.addAll(readSequences(in));
      int readyCount = in.readInt();
      for (int i = 0; i < readyCount; i++) {
        state.ready.add(new PendingClip(in.readUTF(), readSequences(in)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return state;
  }

  private static List<Long> readSequences(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<Long> sequences = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      sequences.add(in.readLong());
    }
    return sequences;
  }
}
