package io.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.catalog.ProjectAdmissions.Mode;
import io.lakestream.schema.TableDefinitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ProjectAdmissionsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private final Catalog catalog = Catalog.inMemory(TableDefinitions.builtIns());

  @Test
  void requiredAdmitsRegisteredProjectsOnlyAndSeesRegistrationsAtOnce() {
    try (ProjectAdmissions.Policy policy = ProjectAdmissions.of(Mode.REQUIRED, catalog, CLOCK)) {
      assertThat(policy.admits("acme")).isFalse();

      catalog.registerProject(ProjectRegistration.shared("acme", CLOCK.instant()));

      assertThat(policy.admits("acme")).isTrue();
      assertThat(policy.admits("globex")).isFalse();
      assertThat(catalog.projects()).containsOnlyKeys("acme");
    }
  }

  @Test
  void projectIdsAreOneProjectWhateverTheirCase() {
    try (ProjectAdmissions.Policy policy = ProjectAdmissions.of(Mode.REQUIRED, catalog, CLOCK)) {
      catalog.registerProject(ProjectRegistration.shared("ACME", CLOCK.instant()));
      catalog.registerProject(ProjectRegistration.shared("acme", CLOCK.instant()));

      assertThat(catalog.projects()).containsOnlyKeys("acme");
      assertThat(catalog.project("Acme")).isPresent();
      assertThat(policy.admits("acme")).isTrue();

      catalog.unregisterProject("ACME");
      assertThat(catalog.projects()).isEmpty();
    }
  }

  @Test
  void autoAdmitsEveryProjectAndRegistersItOnce() {
    try (ProjectAdmissions.Policy policy = ProjectAdmissions.of(Mode.AUTO, catalog, CLOCK)) {
      assertThat(policy.admits("acme")).isTrue();
      assertThat(policy.admits("acme")).isTrue();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(catalog.project("acme")).isPresent());
      ProjectRegistration acme = catalog.project("acme").orElseThrow();
      assertThat(acme.bucket()).isEmpty();
      assertThat(acme.registeredAt()).isEqualTo(CLOCK.instant());
    }
  }

  @Test
  void autoRegistersEachProjectOfABurstOnce() throws Exception {
    java.util.Map<String, Integer> registrations = new java.util.concurrent.ConcurrentHashMap<>();
    catalog.addListener(
        new Catalog.Listener() {
          @Override
          public void projectRegistered(ProjectRegistration registration) {
            registrations.merge(registration.projectId(), 1, Integer::sum);
          }
        });
    int projects = 2_500; // more than one catalog write takes
    try (ProjectAdmissions.Policy policy = ProjectAdmissions.of(Mode.AUTO, catalog, CLOCK)) {
      java.util.concurrent.ExecutorService threads =
          java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
          done.add(
              threads.submit(
                  () -> {
                    for (int i = 0; i < projects; i++) {
                      assertThat(policy.admits("tenant-" + i)).isTrue();
                    }
                  }));
        }
        for (java.util.concurrent.Future<?> future : done) {
          future.get();
        }
      } finally {
        threads.shutdownNow();
      }

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(catalog.projects()).hasSize(projects));
    }
    assertThat(registrations)
        .hasSize(projects)
        .allSatisfy((id, times) -> assertThat(times).isOne());
    assertThat(catalog.project("tenant-2499").orElseThrow().registeredAt())
        .isEqualTo(CLOCK.instant());
  }

  @Test
  void autoKeepsAnExistingRegistration() {
    ProjectRegistration own =
        new ProjectRegistration(
            "acme",
            java.util.Optional.of("acme-bucket"),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.Optional.of("AK"),
            java.util.Optional.of("sealed"),
            java.util.Set.of("events"),
            Instant.EPOCH,
            java.util.Map.of());
    catalog.registerProject(own);

    try (ProjectAdmissions.Policy policy = ProjectAdmissions.of(Mode.AUTO, catalog, CLOCK)) {
      assertThat(policy.admits("acme")).isTrue();
    }

    assertThat(catalog.project("acme")).contains(own);
  }

  @Test
  void modesParseFromConfigurationValues() {
    assertThat(Mode.parse(" Required ")).isEqualTo(Mode.REQUIRED);
    assertThat(Mode.parse("auto")).isEqualTo(Mode.AUTO);
    assertThat(Mode.AUTO.code()).isEqualTo("auto");
    assertThatThrownBy(() -> Mode.parse("sometimes"))
        .hasMessage("'sometimes' is not a project registration mode. Use required or auto.");
  }
}
