package io.actionstream.inference.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.model.runtime.TinyOnnx;
import org.junit.jupiter.api.Test;

class ModelHolderTest {

  private static final int CLIP = 3 * 4 * 8 * 8;

  @Test
  void aReplacedModelFinishesTheBatchesRunningOnItAndClosesAfterTheLast() throws Exception {
    StudentModel first = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "first.onnx");
    StudentModel second = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "second.onnx");
    try (ModelHolder holder = new ModelHolder(first)) {
      ModelHolder.Lease running = holder.forBatch();
      assertThat(running.model()).isSameAs(first);

      holder.offer(second);
      assertThat(holder.current()).as("the offered model is what new clips are prepared for").isSameAs(second);
      try (ModelHolder.Lease next = holder.forBatch()) {
        assertThat(next.model()).isSameAs(second);
      }
      // another worker's batch is still on the old model: it must still run
      assertThat(running.model().run(new float[CLIP], 1).logits()).hasSize(3);

      running.close();
      assertThatThrownBy(() -> first.run(new float[CLIP], 1)).as("closed with its last batch").isInstanceOf(RuntimeException.class);
      assertThat(second.run(new float[CLIP], 1).logits()).as("the serving model stays open").hasSize(3);
    }
    assertThatThrownBy(() -> second.run(new float[CLIP], 1)).as("closed with the holder").isInstanceOf(RuntimeException.class);
  }

  @Test
  void aModelOfferedTwiceBeforeAnyBatchDropsTheFirstOffer() throws Exception {
    StudentModel serving = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "serving.onnx");
    StudentModel skipped = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "skipped.onnx");
    StudentModel newest = StudentModel.load(new TinyOnnx().build(), ExecutionProvider.CPU, "newest.onnx");
    try (ModelHolder holder = new ModelHolder(serving)) {
      holder.offer(skipped);
      holder.offer(newest);
      assertThatThrownBy(() -> skipped.run(new float[CLIP], 1)).isInstanceOf(RuntimeException.class);
      try (ModelHolder.Lease lease = holder.forBatch()) {
        assertThat(lease.model()).isSameAs(newest);
      }
      assertThatThrownBy(() -> serving.run(new float[CLIP], 1)).as("no batch held it").isInstanceOf(RuntimeException.class);
    }
  }
}
