package io.actionstream.it.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.study.Selection;
import io.actionstream.training.study.SettingSelector;
import io.actionstream.training.study.StudyData;
import io.actionstream.training.study.StudyRunner;
import io.actionstream.training.study.TestRecord;
import io.actionstream.training.study.TestSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


/**
 * The module boundaries of the design, checked on the compiled main classes: the services
 * (ingest, inference, training, viewer) never import each other and meet only through the schemas, the
 * model contract, Kafka and the model file; the contract and the schemas import no service; only
 * the command line composes them.
 */
class ArchitectureTest {

  private static final String SCHEMAS = "io.actionstream.schemas..";
  private static final String MODEL = "io.actionstream.model..";
  private static final String BROKER = "io.actionstream.broker..";
  private static final String INGEST = "io.actionstream.ingest..";
  private static final String INFERENCE = "io.actionstream.inference..";
  private static final String TRAINING = "io.actionstream.training..";
  private static final String VIEWER = "io.actionstream.viewer..";
  private static final String OPS = "io.actionstream.ops..";
  private static final String CLI = "io.actionstream.cli..";

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.actionstream");
  }

  @Test
  void ingestImportsNoOtherService() {
    check(noClasses().that().resideInAPackage(INGEST).should().dependOnClassesThat().resideInAnyPackage(INFERENCE, TRAINING, VIEWER, CLI));
  }

  @Test
  void inferenceImportsNoOtherService() {
    check(noClasses().that().resideInAPackage(INFERENCE).should().dependOnClassesThat().resideInAnyPackage(INGEST, TRAINING, VIEWER, CLI));
  }

  @Test
  void trainingImportsNoOtherService() {
    check(noClasses().that().resideInAPackage(TRAINING).should().dependOnClassesThat().resideInAnyPackage(INGEST, INFERENCE, VIEWER, CLI));
  }

  @Test
  void theViewerImportsNoOtherServiceNorTheModelContract() {
    // it sees what any Kafka consumer sees: the topics and their schemas
    check(noClasses().that().resideInAPackage(VIEWER).should().dependOnClassesThat()
        .resideInAnyPackage(INGEST, INFERENCE, TRAINING, MODEL, CLI));
  }

  @Test
  void theOperationsEndpointKnowsNoService() {
    check(noClasses().that().resideInAPackage(OPS).should().dependOnClassesThat()
        .resideInAnyPackage(SCHEMAS, MODEL, INGEST, INFERENCE, TRAINING, VIEWER, CLI, BROKER));
  }

  @Test
  void theModelContractDependsOnNoService() {
    check(noClasses().that().resideInAPackage(MODEL).should().dependOnClassesThat()
        .resideInAnyPackage(INGEST, INFERENCE, TRAINING, CLI, BROKER));
  }

  @Test
  void theSchemasDependOnNothingOfOurs() {
    check(noClasses().that().resideInAPackage(SCHEMAS).should().dependOnClassesThat()
        .resideInAnyPackage(MODEL, INGEST, INFERENCE, TRAINING, CLI, BROKER));
  }

  /**
   * The study's selection cannot read the test split: the selector sees run records only, no
   * data set, clip or test record; nothing that trains asks a data set for its test clips; and
   * only the study runner's evaluation opens the held-apart test split.
   */
  @Test
  void theStudysSelectionAndTrainingCannotReadTheTestSplit() {
    check(noClasses().that().haveFullyQualifiedName(SettingSelector.class.getName()).should().dependOnClassesThat()
        .belongToAnyOf(PreparedDataset.class, PreparedDataset.Item.class, TestSplit.class, TestRecord.class, StudyData.class));
    // the runner takes the test clips out once, into the TestSplit, before anything trains
    check(noClasses().that().resideInAnyPackage("io.actionstream.training.distill..", "io.actionstream.training.study..")
        .and().doNotHaveFullyQualifiedName(StudyRunner.class.getName())
        .should().callMethod(PreparedDataset.class, "test"));
    check(noClasses().that().doNotHaveFullyQualifiedName(StudyRunner.class.getName())
        .should().callMethod(TestSplit.class, "open", Selection.class, long.class));
  }

  @Test
  void theRulesSeeEveryModule() {
    for (String module : new String[] {SCHEMAS, MODEL, BROKER, INGEST, INFERENCE, TRAINING, CLI}) {
      assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith(module.replace("..", ""))))
          .as("main classes of %s imported", module).isTrue();
    }
  }

  /**
   * One home for the contract's words: the tensor names and metadata keys are spelled, as string
   * literals, in {@code ModelContract} and in no other main source file of any module.
   */
  @Test
  void theContractsLiteralsAreWrittenInOneMainSourceFile() throws IOException {
    Path root = Path.of(System.getProperty("actionstream.project.root"));
    List<String> literals = List.of("\"clip\"", "\"logits\"", "\"attention\"", "\"actionstream.model_name\"",
        "\"actionstream.version\"", "\"actionstream.labels\"", "\"actionstream.input\"", "\"actionstream.attention\"",
        "\"actionstream.gflops\"", "\"short-side-centre-crop\"");
    Map<String, List<String>> found = new TreeMap<>();
    try (var files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/"))
          .filter(f -> !f.toString().contains("/target/")).toList()) {
        String text = Files.readString(file);
        for (String literal : literals) {
          if (text.contains(literal)) {
            found.computeIfAbsent(literal, k -> new ArrayList<>()).add(root.relativize(file).toString());
          }
        }
      }
    }
    assertThat(found).as("where each literal is written").hasSize(literals.size())
        .allSatisfy((literal, where) -> assertThat(where).as(literal)
            .containsExactly("model/src/main/java/io/actionstream/model/ModelContract.java"));
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}
