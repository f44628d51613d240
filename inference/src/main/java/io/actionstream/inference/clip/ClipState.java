package io.actionstream.inference.clip;

import com.google.protobuf.InvalidProtocolBufferException;
import io.actionstream.model.clip.ClipCadence;
import io.actionstream.schemas.v1.ClipAssemblyState;
import io.actionstream.schemas.v1.PendingClipState;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What clip assembly remembers about one camera, kept in a changelogged state store as a {@link
 * ClipAssemblyState} message: the ingest session and segment it follows, the last sequence
 * number seen, the frames of the clip being filled and complete clips that still wait for their
 * event, each frame by its sequence number and its offset in the frames topic. The frames
 * themselves are not stored (a restore reads them back from the topic at those offsets), so this
 * one small record per camera is all the state a frame writes.
 */
public final class ClipState {

  /** The offset of a frame whose offset was not recorded (a state restored from an older version). */
  public static final long UNKNOWN_OFFSET = -1;

  /** First byte of the stored format before the protobuf message. */
  private static final byte LEGACY_FORMAT = 1;

  private String sessionId = "";
  private int segment = -1;
  private long lastSequence = -1;
  private final List<Long> partial = new ArrayList<>();
  private final List<Long> partialOffsets = new ArrayList<>();
  private final List<PendingClip> ready = new ArrayList<>();
  /**
   * The messages of the ready clips, built once per clip: the state is serialized on every frame,
   * and building each waiting clip's message again (boxed lists, checked element by element) took
   * a quarter of the stream threads' CPU when clips waited for the network.
   */
  private Map<PendingClip, PendingClipState> readyMessages = new IdentityHashMap<>();

  /**
   * A complete clip: its session, its frames' sequence numbers in order and, parallel to them,
   * their offsets in the frames topic.
   */
  public record PendingClip(String sessionId, List<Long> sequences, List<Long> offsets) {
    public PendingClip {
      sequences = List.copyOf(sequences);
      offsets = List.copyOf(offsets);
      if (offsets.size() != sequences.size()) {
        throw new IllegalArgumentException(sequences.size() + " frames but " + offsets.size() + " offsets");
      }
    }

    /** A clip whose offsets were not recorded (stored by an older version). */
    static PendingClip withoutOffsets(String sessionId, List<Long> sequences) {
      return new PendingClip(sessionId, sequences, Collections.nCopies(sequences.size(), UNKNOWN_OFFSET));
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

  /** Sequence numbers of the frames of the clip being filled, in order. */
  public List<Long> partial() {
    return Collections.unmodifiableList(partial);
  }

  /** The frames topic offsets of {@link #partial()}'s frames, parallel to it. */
  public List<Long> partialOffsets() {
    return Collections.unmodifiableList(partialOffsets);
  }

  /** The clip being filled, as a clip (what a restore must read back besides the ready ones). */
  public PendingClip partialClip() {
    return new PendingClip(sessionId, partial, partialOffsets);
  }

  public List<PendingClip> ready() {
    return ready;
  }

  /** Throws the clip being filled away and follows {@code session} and {@code newSegment}. */
  void restart(String session, int newSegment) {
    partial.clear();
    partialOffsets.clear();
    this.sessionId = session;
    this.segment = newSegment;
  }

  /** Adds a frame to the clip being filled. */
  void append(long sequence, long offset) {
    lastSequence = sequence;
    partial.add(sequence);
    partialOffsets.add(offset);
  }

  /**
   * Turns the first {@code cadence.frames()} frames of the clip being filled into a ready clip;
   * the last {@code frames - hop} of them (the overlap with the next clip) and any later ones stay
   * (a cadence's hop is never longer than its clip).
   */
  void completeClip(ClipCadence cadence) {
    int frames = cadence.frames();
    ready.add(new PendingClip(sessionId, partial.subList(0, frames), partialOffsets.subList(0, frames)));
    partial.subList(0, cadence.hop()).clear();
    partialOffsets.subList(0, cadence.hop()).clear();
  }

  /**
   * Fills in the offsets a state from an older version did not record, from {@code lookup}
   * (session and sequence to offset, or null where it has none); returns whether any was missing.
   */
  public boolean fillUnknownOffsets(BiFunction<String, Long, Long> lookup) {
    boolean missing = fill(sessionId, partial, partialOffsets, lookup);
    for (int i = 0; i < ready.size(); i++) {
      PendingClip clip = ready.get(i);
      List<Long> offsets = new ArrayList<>(clip.offsets());
      if (fill(clip.sessionId(), clip.sequences(), offsets, lookup)) {
        missing = true;
        ready.set(i, new PendingClip(clip.sessionId(), clip.sequences(), offsets));
      }
    }
    return missing;
  }

  private static boolean fill(String session, List<Long> sequences, List<Long> offsets, BiFunction<String, Long, Long> lookup) {
    boolean missing = false;
    for (int i = 0; i < sequences.size(); i++) {
      if (offsets.get(i) == UNKNOWN_OFFSET) {
        missing = true;
        Long offset = lookup.apply(session, sequences.get(i));
        offsets.set(i, offset != null ? offset : UNKNOWN_OFFSET);
      }
    }
    return missing;
  }

  /** Whether a frame of {@code session} with {@code sequence} is still needed by a clip. */
  public boolean references(String session, long sequence) {
    // asked on every frame, for every waiting clip: a clip's sequence numbers increase (the
    // assembler starts a new clip at anything else), so they are searched, not scanned
    if (session.equals(sessionId) && Collections.binarySearch(partial, sequence) >= 0) {
      return true;
    }
    // newest first: a frame that just left the clip being filled is in the clip it completed
    for (int i = ready.size() - 1; i >= 0; i--) {
      PendingClip clip = ready.get(i);
      if (clip.sessionId().equals(session) && Collections.binarySearch(clip.sequences(), sequence) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The state as its protobuf message (the store's and the changelog's value). */
  public ClipAssemblyState toProto() {
    ClipAssemblyState.Builder proto = ClipAssemblyState.newBuilder().setSessionId(sessionId).setSegment(segment)
        .setLastSequence(lastSequence);
    for (int i = 0; i < partial.size(); i++) {
      proto.addPartial(partial.get(i)).addPartialOffsets(partialOffsets.get(i));
    }
    Map<PendingClip, PendingClipState> messages = new IdentityHashMap<>(ready.size() * 2);
    for (PendingClip clip : ready) {
      PendingClipState message = readyMessages.get(clip);
      if (message == null) {
        message = PendingClipState.newBuilder().setSessionId(clip.sessionId()).addAllSequences(clip.sequences())
            .addAllOffsets(clip.offsets()).build();
      }
      messages.put(clip, message);
      proto.addReady(message);
    }
    // only the clips still waiting: those that left the state leave the cache with it
    readyMessages = messages;
    return proto.build();
  }

  public static ClipState of(ClipAssemblyState proto) {
    ClipState state = new ClipState();
    state.sessionId = proto.getSessionId();
    state.segment = proto.getSegment();
    state.lastSequence = proto.getLastSequence();
    state.partial.addAll(proto.getPartialList());
    state.partialOffsets.addAll(proto.getPartialOffsetsCount() == proto.getPartialCount() ? proto.getPartialOffsetsList()
        : Collections.nCopies(proto.getPartialCount(), UNKNOWN_OFFSET));
    for (PendingClipState clip : proto.getReadyList()) {
      state.ready.add(clip.getOffsetsCount() == clip.getSequencesCount()
          ? new PendingClip(clip.getSessionId(), clip.getSequencesList(), clip.getOffsetsList())
          : PendingClip.withoutOffsets(clip.getSessionId(), clip.getSequencesList()));
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
      state.partialOffsets.addAll(Collections.nCopies(state.partial.size(), UNKNOWN_OFFSET));
      int readyCount = in.readInt();
      for (int i = 0; i < readyCount; i++) {
        state.ready.add(PendingClip.withoutOffsets(in.readUTF(), readSequences(in)));
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
