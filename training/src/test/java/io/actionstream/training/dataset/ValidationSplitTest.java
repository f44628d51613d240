package io.actionstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.training.dataset.PreparedDataset.Item;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {

  /** UCF101-style names: 4 classes x 20 groups x 3 clips. */
  private static List<Item> items() {
    List<Item> items = new ArrayList<>();
    for (int label = 0; label < 4; label++) {
      for (int g = 6; g <= 25; g++) {
        for (int c = 1; c <= 3; c++) {
          String name = String.format("class%d/v_class%d_g%02d_c%02d.avi", label, label, g, c);
          items.add(new Item(new VideoSample(Path.of("/data", name), name, label, null), null, null));
        }
      }
    }
    return items;
  }

  @Test
  void wholeGroupsAreHeldOutSoNoRecordingIsOnBothSides() {
    List<Item> train = new ArrayList<>();
    List<Item> validation = new ArrayList<>();
    PreparedDataset.splitByGroup(items(), 0.1, 1, train, validation);

    Set<String> trainGroups = train.stream().map(i -> i.sample().group()).collect(Collectors.toSet());
    Set<String> validationGroups = validation.stream().map(i -> i.sample().group()).collect(Collectors.toSet());
    assertThat(validationGroups).isNotEmpty().doesNotContainAnyElementsOf(trainGroups);
    assertThat(validation).as("10% of 240 clips: two of the 20 groups").hasSize(24);
    assertThat(train.size() + validation.size()).isEqualTo(240);
    assertThat(validation.stream().map(i -> i.sample().label()).distinct()).as("every class is in it").hasSize(4);
  }

  @Test
  void theSeedChoosesTheGroupsAndNamesWithoutGroupsAreTheirOwn() {
    List<Item> a = new ArrayList<>();
    List<Item> b = new ArrayList<>();
    PreparedDataset.splitByGroup(items(), 0.1, 1, new ArrayList<>(), a);
    PreparedDataset.splitByGroup(items(), 0.1, 1, new ArrayList<>(), b);
    assertThat(a).isEqualTo(b);
    List<Item> c = new ArrayList<>();
    PreparedDataset.splitByGroup(items(), 0.1, 2, new ArrayList<>(), c);
    assertThat(c).isNotEqualTo(a);

    assertThat(new VideoSample(Path.of("x"), "brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.avi", 0, null).group())
        .isEqualTo("brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.avi");
    assertThat(new VideoSample(Path.of("x"), "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi", 0, null).group()).isEqualTo("g8");
  }
}
