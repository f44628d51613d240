package io.actionstream.inference.clip;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What clip assembly remembers about one camera, kept in a changelogged state store: the ingest
 * session and segment it follows, the last sequence number seen, the frames of the clip being
 * filled, and complete clips that still wait for their event. The frames themselves live in a
 * separate store, one entry per frame, so updating this small record is cheap.
 */
public final class ClipState {

  private static final byte FORMAT = 1;

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

  public byte[] serialize() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeUTF(sessionId);
      out.writeInt(segment);
      out.writeLong(lastSequence);
      writeSequences(out, partial);
      out.writeInt(ready.size());
      for (PendingClip clip : ready) {
        out.writeUTF(clip.sessionId());
        writeSequences(out, clip.sequences());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static ClipState parse(byte[] bytes) {
    ClipState state = new ClipState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("clip state format " + format + " is not known");
      }
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

  private static void writeSequences(DataOutputStream out, List<Long> sequences) throws IOException {
    out.writeInt(sequences.size());
    for (long s : sequences) {
      out.writeLong(s);
    }
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
