package io.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.TableDefinitions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A project's own retention per table type, kept in its registration in the catalog. */
class ProjectRetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
  private final Catalog catalog = Catalog.inMemory(TableDefinitions.builtIns());

  @Test
  void overridesAreKeptPerProjectAndTableTypeThroughTheCatalogRecord() {
    ProjectRegistration acme =
        catalog.overrideRetention(
            "ACME", Map.of("otel_logs_and_spans", "7d", "metrics", " 36h "), NOW);

    assertThat(acme.projectId()).isEqualTo("acme");
    assertThat(acme.registeredAt()).isEqualTo(NOW);
    assertThat(acme.retention("otel_logs_and_spans")).contains(Duration.ofDays(7));
    assertThat(acme.retention("metrics")).contains(Duration.ofHours(36));
    assertThat(acme.retention("events")).isEmpty();
    assertThat(catalog.project("acme")).contains(acme);
    assertThat(catalog.project("globex")).isEmpty();

    // A later change names only what changes; null goes back to the type's own retention.
    Map<String, String> changes = new HashMap<>();
    changes.put("metrics", null);
    changes.put("events", "90m");
    ProjectRegistration changed = catalog.overrideRetention("acme", changes, NOW.plusSeconds(60));

    assertThat(changed.retention())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("events", Duration.ofMinutes(90), "otel_logs_and_spans", Duration.ofDays(7)));
    assertThat(changed.registeredAt()).isEqualTo(NOW);
  }

  @Test
  void registeringAProjectAgainKeepsNothingItDoesNotCarry() {
    catalog.overrideRetention("acme", Map.of("events", "1d"), NOW);
    ProjectRegistration registered = catalog.project("acme").orElseThrow();

    catalog.registerProject(registered.withRetention(Map.of()));

    assertThat(catalog.project("acme").orElseThrow().retention()).isEmpty();
    assertThat(registered.toString()).contains("retention={events=PT24H}");
  }

  @Test
  void refusesInTheUsersTermsAndChangesNothing() {
    catalog.createTable(
        TableDefinitions.parse(
            "users.yaml",
            """
            name: users
            primary_key: id
            columns:
              - {name: id, type: long, nullable: false}
            """));
    catalog.overrideRetention("acme", Map.of("events", "1d"), NOW);

    assertThatThrownBy(
            () ->
                catalog.overrideRetention(
                    "acme", Map.of("events", "2d", "otel_logs_and_spans", "a week"), NOW))
        .isInstanceOf(CatalogException.class)
        .hasMessage(
            "Cannot set the retention of project 'acme' for table 'otel_logs_and_spans' to 'a"
                + " week': it is not a duration. Write it as a number of days, hours or minutes"
                + " (30d, 12h, 90m), or null to keep the table type's own retention.")
        .extracting(e -> ((CatalogException) e).kind())
        .isEqualTo(ErrorKind.BAD_REQUEST);
    assertThatThrownBy(() -> catalog.overrideRetention("acme", Map.of("users", "30d"), NOW))
        .hasMessageStartingWith(
            "Cannot set the retention of project 'acme' for table 'users' to '30d': the primary"
                + " key 'id' of table type 'users' is a long, not a time.");
    assertThatThrownBy(() -> catalog.overrideRetention("acme", Map.of("events", "0d"), NOW))
        .hasMessageContaining("to '0d': it must be positive");
    assertThatThrownBy(() -> catalog.overrideRetention("acme", Map.of("logs", "7d"), NOW))
        .hasMessage(
            "Cannot set the retention of project 'acme' for table 'logs': there is no table type"
                + " 'logs'. Use one of events, metrics, otel_logs_and_spans, users.");
    assertThatThrownBy(() -> catalog.overrideRetention("../x", Map.of("events", "7d"), NOW))
        .hasMessageContaining("Project id '../x' is not valid");

    assertThat(catalog.project("acme").orElseThrow().retention())
        .containsExactlyInAnyOrderEntriesOf(Map.of("events", Duration.ofDays(1)));
    assertThat(catalog.projects()).containsOnlyKeys("acme");
  }
}
