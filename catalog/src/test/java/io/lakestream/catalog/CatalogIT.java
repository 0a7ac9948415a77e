package io.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.testkit.EmbeddedKafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CatalogIT {
  @RegisterExtension static EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static TableDefinition table(String name) {
    return TableDefinitions.parse(
        "test",
        "name: "
            + name
            + "\nprimary_key: id\ncolumns:\n  - {name: id, type: long, nullable: false}\n");
  }

  @Test
  void aTableCreatedByOneRoleIsSeenLiveByAnotherAndAfterARestart() {
    try (Catalog writer = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns());
        Catalog reader = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      List<String> created = new CopyOnWriteArrayList<>();
      reader.addListener(
          new Catalog.Listener() {
            @Override
            public void tableCreated(TableDefinition t) {
              created.add(t.name());
            }
          });
      writer.createTable(table("orders"));
      assertThat(writer.table("orders")).isPresent();
      await().atMost(Duration.ofSeconds(20)).until(() -> created.contains("orders"));
      assertThat(reader.tables())
          .containsKeys("otel_logs_and_spans", "metrics", "events", "orders");
    }
    try (Catalog restarted = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      assertThat(restarted.table("orders"))
          .hasValueSatisfying(t -> assertThat(t.primaryKey()).isEqualTo("id"));
    }
  }

  @Test
  void droppingATableRemovesItEverywhere() {
    try (Catalog a = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns());
        Catalog b = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      a.createTable(table("carts"));
      await().atMost(Duration.ofSeconds(20)).until(() -> b.table("carts").isPresent());
      b.dropTable("carts");
      assertThat(b.table("carts")).isEmpty();
      await().atMost(Duration.ofSeconds(20)).until(() -> a.table("carts").isEmpty());
    }
  }

  @Test
  void conflictsAndBuiltInsAreRefused() {
    try (Catalog catalog = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      catalog.createTable(table("invoices"));
      assertThatThrownBy(() -> catalog.createTable(table("invoices")))
          .isInstanceOfSatisfying(
              CatalogException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT))
          .hasMessage("Table 'invoices' exists already. Drop it first, or choose another name.");
      assertThatThrownBy(() -> catalog.dropTable("events"))
          .hasMessage("Table 'events' is built in and cannot be dropped.");
      assertThatThrownBy(() -> catalog.dropTable("nope"))
          .isInstanceOfSatisfying(
              CatalogException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
          .hasMessage("There is no table 'nope'.");
    }
  }

  @Test
  void projectRegistrationsRoundTripWithTheSecretEncrypted() {
    SecretBox box = SecretBox.random();
    String encrypted = box.encrypt("s3cr3t");
    ProjectRegistration registration =
        new ProjectRegistration(
            "acme",
            Optional.of("acme-bucket"),
            Optional.of("http://127.0.0.1:9000"),
            Optional.of("us-east-1"),
            Optional.of("AKIA"),
            Optional.of(encrypted),
            java.util.Set.of("events", "metrics"),
            Instant.parse("2026-11-21T10:00:00Z"),
            java.util.Map.of());
    try (Catalog catalog = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      catalog.registerProject(registration);
    }
    try (Catalog restarted = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      ProjectRegistration read = restarted.project("acme").orElseThrow();
      assertThat(read).isEqualTo(registration);
      assertThat(box.decrypt(read.encryptedSecretKey().orElseThrow())).isEqualTo("s3cr3t");
      assertThat(read.toString()).doesNotContain("s3cr3t", encrypted, "AKIA");
    }
  }

  @Test
  void anUnregisteredProjectIsGoneForEveryRoleAndAfterARestart() {
    try (Catalog writer = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns());
        Catalog reader = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      writer.registerProject(ProjectRegistration.shared("initech", Instant.EPOCH));
      await().atMost(Duration.ofSeconds(30)).until(() -> reader.project("initech").isPresent());

      writer.unregisterProject("initech");

      assertThat(writer.project("initech")).isEmpty();
      await().atMost(Duration.ofSeconds(30)).until(() -> reader.project("initech").isEmpty());
      assertThatThrownBy(() -> writer.unregisterProject("initech"))
          .hasMessage("Project 'initech' is not registered.");
    }
    try (Catalog restarted = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      assertThat(restarted.project("initech")).isEmpty();
    }
  }

  @Test
  void projectsRegisteredTogetherAreAllSeenOnReturnAndByEveryRole() {
    List<ProjectRegistration> burst = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      burst.add(ProjectRegistration.shared("burst-" + i, Instant.EPOCH));
    }
    try (Catalog writer = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns());
        Catalog reader = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      writer.registerProjects(burst);

      for (int i = 0; i < 300; i++) {
        assertThat(writer.project("burst-" + i)).as("burst-%s on return", i).isPresent();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  reader.project("burst-0").isPresent() && reader.project("burst-299").isPresent());
    }
    try (Catalog restarted = Catalog.start(kafka.bootstrapServers(), TableDefinitions.builtIns())) {
      assertThat(restarted.projects().keySet().stream().filter(id -> id.startsWith("burst-")))
          .hasSize(300);
    }
  }

  @Test
  void anInvalidProjectIdIsRefused() {
    Catalog catalog = Catalog.inMemory(TableDefinitions.builtIns());
    assertThatThrownBy(
            () -> catalog.registerProject(ProjectRegistration.shared("../etc", Instant.now())))
        .hasMessage("Project id '../etc' is not valid: use 1 to 64 letters, digits, '-' or '_'.");
  }
}
