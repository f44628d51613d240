package io.actionstream.inference.clip;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.inference.clip.ClipAssembler.Outcome;
import io.actionstream.model.clip.ClipCadence;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ClipAssemblerTest {

  private final ClipAssembler assembler = new ClipAssembler(2);

  @Test
  void consecutiveFramesMakeClipsOfTheModelsLength() {
    ClipState state = new ClipState();
    for (long s = 0; s < 10; s++) {
      assembler.add(state, "s1", 0, s, 100 + s, new ClipCadence(4, 4));
    }
    assertThat(state.ready()).extracting(ClipState.PendingClip::sequences)
        .containsExactly(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L));
    assertThat(state.partial()).containsExactly(8L, 9L);
  }

  @Test
  void aHopShorterThanTheClipOverlapsClips() {
    ClipState state = new ClipState();
    LongStream.range(0, 8).forEach(s -> assembler.add(state, "s1", 0, s, 100 + s, new ClipCadence(4, 2)));
    assertThat(state.ready()).extracting(ClipState.PendingClip::first).containsExactly(0L, 2L, 4L);
  }

  @Test
  void smallGapsAreToleratedAndLargeOnesStartAFreshClip() {
    ClipState state = new ClipState();
    assembler.add(state, "s1", 0, 0, 100 + 0, new ClipCadence(4, 4));
    assertThat(assembler.add(state, "s1", 0, 3, 100 + 3, new ClipCadence(4, 4))).as("2 missing frames: tolerated").isEqualTo(Outcome.APPENDED);
    assertThat(assembler.add(state, "s1", 0, 7, 100 + 7, new ClipCadence(4, 4))).as("3 missing frames").isEqualTo(Outcome.GAP);
    assertThat(state.partial()).containsExactly(7L);
  }

  @Test
  void everyDiscontinuityThrowsTheClipInProgressAway() {
    ClipState state = new ClipState();
    LongStream.range(0, 3).forEach(s -> assembler.add(state, "s1", 0, s, 100 + s, new ClipCadence(4, 4)));
    assertThat(assembler.add(state, "s1", 0, 2, 100 + 2, new ClipCadence(4, 4))).isEqualTo(Outcome.DUPLICATE);
    assertThat(state.partial()).containsExactly(0L, 1L, 2L);
    assertThat(assembler.add(state, "s1", 0, 1, 100 + 1, new ClipCadence(4, 4))).isEqualTo(Outcome.OUT_OF_ORDER);
    assertThat(state.partial()).containsExactly(1L);
    assertThat(assembler.add(state, "s1", 1, 2, 100 + 2, new ClipCadence(4, 4))).isEqualTo(Outcome.NEW_SEGMENT);
    assertThat(state.partial()).containsExactly(2L);
    assertThat(assembler.add(state, "s2", 0, 0, 100 + 0, new ClipCadence(4, 4))).as("the camera's ingest restarted").isEqualTo(Outcome.NEW_SESSION);
    assertThat(state.partial()).containsExactly(0L);
    assertThat(state.sessionId()).isEqualTo("s2");
    assertThat(state.ready()).isEmpty();
  }

  @Test
  void theStateSurvivesSerializationWithItsWaitingClips() {
    ClipState state = new ClipState();
    LongStream.range(0, 6).forEach(s -> assembler.add(state, "session-x", 3, s, 100 + s, new ClipCadence(4, 4)));
    ClipState copy = ClipState.parse(state.serialize());
    assertThat(copy.sessionId()).isEqualTo("session-x");
    assertThat(copy.segment()).isEqualTo(3);
    assertThat(copy.lastSequence()).isEqualTo(5);
    assertThat(copy.partial()).containsExactly(4L, 5L);
    assertThat(copy.ready()).containsExactlyElementsOf(state.ready());
    assertThat(copy.references("session-x", 2)).isTrue();
    assertThat(copy.references("session-x", 9)).isFalse();
  }

  @Test
  void aStateStoredByAnOlderVersionStillRestores() throws Exception {
    // the format of versions up to 0.1, written as they wrote it: format byte 1, then the fields
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeUTF("old-session");
      out.writeInt(2);
      out.writeLong(17);
      out.writeInt(2);
      out.writeLong(16);
      out.writeLong(17);
      out.writeInt(1);
      out.writeUTF("old-session");
      out.writeInt(3);
      out.writeLong(12);
      out.writeLong(13);
      out.writeLong(14);
    }
    ClipState restored = ClipState.parse(bytes.toByteArray());
    assertThat(restored.sessionId()).isEqualTo("old-session");
    assertThat(restored.segment()).isEqualTo(2);
    assertThat(restored.lastSequence()).isEqualTo(17);
    assertThat(restored.partial()).containsExactly(16L, 17L);
    assertThat(restored.ready()).containsExactly(new ClipState.PendingClip("old-session", List.of(12L, 13L, 14L),
        List.of(ClipState.UNKNOWN_OFFSET, ClipState.UNKNOWN_OFFSET, ClipState.UNKNOWN_OFFSET)));
    assertThat(restored.partialOffsets()).containsOnly(ClipState.UNKNOWN_OFFSET);
    // and it is written back as the protobuf message
    assertThat(io.actionstream.schemas.v1.ClipAssemblyState.parseFrom(restored.serialize()).getPartialList()).containsExactly(16L, 17L);
  }

  @Test
  void eachFrameKeepsItsOffsetThroughOverlappingClipsAndSerialization() {
    ClipState state = new ClipState();
    LongStream.range(0, 7).forEach(s -> assembler.add(state, "s1", 0, s, 1000 + 10 * s, new ClipCadence(4, 2)));
    assertThat(state.ready()).extracting(ClipState.PendingClip::offsets)
        .containsExactly(List.of(1000L, 1010L, 1020L, 1030L), List.of(1020L, 1030L, 1040L, 1050L));
    assertThat(state.partial()).containsExactly(4L, 5L, 6L);
    assertThat(state.partialOffsets()).containsExactly(1040L, 1050L, 1060L);
    ClipState copy = ClipState.parse(state.serialize());
    assertThat(copy.ready()).containsExactlyElementsOf(state.ready());
    assertThat(copy.partialOffsets()).containsExactly(1040L, 1050L, 1060L);
    assembler.add(copy, "s2", 0, 0, 2000, new ClipCadence(4, 2));
    assertThat(copy.partialClip()).isEqualTo(new ClipState.PendingClip("s2", List.of(0L), List.of(2000L)));
  }

  @Test
  void aStateWithoutOffsetsTakesThemFromTheOlderVersionsStore() throws Exception {
    // as the version that kept offsets in a store of their own wrote the state: sequences only
    ClipState restored = ClipState.parse(io.actionstream.schemas.v1.ClipAssemblyState.newBuilder().setSessionId("s")
        .setSegment(0).setLastSequence(5).addAllPartial(List.of(4L, 5L))
        .addReady(io.actionstream.schemas.v1.PendingClipState.newBuilder().setSessionId("s").addAllSequences(List.of(0L, 1L)))
        .build().toByteArray());
    assertThat(restored.partialOffsets()).containsExactly(ClipState.UNKNOWN_OFFSET, ClipState.UNKNOWN_OFFSET);
    java.util.Map<Long, Long> legacy = java.util.Map.of(0L, 70L, 1L, 71L, 4L, 74L);
    assertThat(restored.fillUnknownOffsets((session, sequence) -> legacy.get(sequence))).isTrue();
    assertThat(restored.ready().get(0).offsets()).containsExactly(70L, 71L);
    assertThat(restored.partialOffsets()).as("frame 5 has no entry: still unknown").containsExactly(74L, ClipState.UNKNOWN_OFFSET);
    ClipState current = new ClipState();
    assembler.add(current, "s", 0, 0, 9, new ClipCadence(4, 4));
    assertThat(current.fillUnknownOffsets((session, sequence) -> 1L)).as("a current state has them all").isFalse();
    assertThat(current.partialOffsets()).containsExactly(9L);
  }

  @Test
  void eachSerializationWritesTheClipsWaitingThen() {
    // serialized once per frame, so the waiting clips' messages are kept between frames: what
    // is written must still follow the clips that leave, arrive and change
    ClipState state = new ClipState();
    LongStream.range(0, 12).forEach(s -> assembler.add(state, "s", 0, s, 100 + s, new ClipCadence(4, 4)));
    assertThat(ClipState.parse(state.serialize()).ready()).extracting(ClipState.PendingClip::first).containsExactly(0L, 4L, 8L);

    state.ready().remove(1);
    assertThat(ClipState.parse(state.serialize()).ready()).extracting(ClipState.PendingClip::first).containsExactly(0L, 8L);

    LongStream.range(12, 16).forEach(s -> assembler.add(state, "s", 0, s, 100 + s, new ClipCadence(4, 4)));
    ClipState.PendingClip stale = state.ready().get(0);
    state.ready().set(0, new ClipState.PendingClip("s", stale.sequences(), List.of(7L, 7L, 7L, 7L)));
    ClipState copy = ClipState.parse(state.serialize());
    assertThat(copy.ready()).containsExactlyElementsOf(state.ready());
    assertThat(copy.ready().get(0).offsets()).containsOnly(7L);
    assertThat(copy.ready()).extracting(ClipState.PendingClip::first).containsExactly(0L, 8L, 12L);
  }

  @Test
  void aStateWithItsWaitingClipsKeptReadsAsTheWholeMessageBuiltAtOnce() throws Exception {
    ClipState state = new ClipState();
    LongStream.range(0, 11).forEach(s -> assembler.add(state, "s", 0, s, 500 + s, new ClipCadence(4, 2)));
    state.serialize();
    state.ready().remove(0);
    io.actionstream.schemas.v1.ClipAssemblyState.Builder whole = io.actionstream.schemas.v1.ClipAssemblyState.newBuilder()
        .setSessionId("s").setSegment(0).setLastSequence(10).addAllPartial(List.of(8L, 9L, 10L))
        .addAllPartialOffsets(List.of(508L, 509L, 510L));
    for (ClipState.PendingClip clip : state.ready()) {
      whole.addReady(io.actionstream.schemas.v1.PendingClipState.newBuilder().setSessionId("s").addAllSequences(clip.sequences())
          .addAllOffsets(clip.offsets()));
    }
    assertThat(io.actionstream.schemas.v1.ClipAssemblyState.parseFrom(state.serialize())).isEqualTo(whole.build());
  }

  @Test
  void aFrameIsReferencedWhileAClipOrTheClipBeingFilledHoldsIt() {
    ClipState state = new ClipState();
    LongStream.range(0, 7).forEach(s -> assembler.add(state, "s1", 0, s, s, new ClipCadence(4, 2)));
    // clips 0-3 and 2-5 wait, 4-6 is being filled
    assertThat(LongStream.range(0, 7).filter(s -> state.references("s1", s)).toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(state.references("s1", 7)).isFalse();
    assertThat(state.references("s0", 3)).as("another session's frame 3").isFalse();
    state.ready().remove(0);
    assertThat(LongStream.range(0, 7).filter(s -> state.references("s1", s)).toArray()).containsExactly(2, 3, 4, 5, 6);
    assembler.add(state, "s2", 0, 0, 9, new ClipCadence(4, 2));
    assertThat(LongStream.range(0, 7).filter(s -> state.references("s1", s)).toArray()).as("the new session threw 4-6 away")
        .containsExactly(2, 3, 4, 5);
  }

  /** Cameras in the network's process tell the frames that complete clips by the cadence: it must be the assembler's rule. */
  @Test
  void clipsCompleteExactlyWhereTheCadenceSays() {
    for (ClipCadence cadence : List.of(new ClipCadence(4, 4), new ClipCadence(4, 2), ClipCadence.of(16, 0), new ClipCadence(16, 5), ClipCadence.of(8, 12))) {
      ClipState state = new ClipState();
      for (long s = 0; s < 60; s++) {
        Outcome outcome = assembler.add(state, "s1", 0, s, 100 + s, cadence);
        assertThat(outcome == Outcome.COMPLETED_CLIP).as("%s, frame %d", cadence, s).isEqualTo(cadence.framesToClipEnd(s) == 0);
      }
    }
  }
}
