package io.lakestream.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.TableDefinitions;
import io.lakestream.sql.internal.ScanNeeds.TableNeed;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading what each table scan needs from DuckDB's JSON plan. */
class ScanNeedsTest {
  static final long T0 = 1_795_000_000_000_000L; // 2026-11-18 11:06:40 UTC

  static String scan(String table, String projections, String filters) {
    return "{\"name\": \"SEQ_SCAN \", \"children\": [], \"extra_info\": {\"Table\": \"temp.main."
        + table
        + "\", \"Projections\": "
        + projections
        + ", \"Filters\": "
        + filters
        + "}}";
  }

  static ScanNeeds needs(String... scans) {
    return ScanNeeds.of(
        "[{\"name\": \"HASH_JOIN\", \"children\": [" + String.join(",", scans) + "]}]",
        TableDefinitions.builtIns());
  }

  @Test
  void keyConditionsGiveTheRangeAndFilterColumnsAreRead() {
    TableNeed need =
        needs(
                scan(
                    "otel_logs_and_spans",
                    "[\"body\"]",
                    "[\"((timestamp >= '2026-11-18 11:06:40+00'::TIMESTAMP WITH TIME ZONE) AND"
                        + " (timestamp <= '2026-11-18 11:06:40.000001+00'::TIMESTAMP WITH TIME"
                        + " ZONE))\", \"(severity_text = 'ERROR')\", \"(project_id = 'acme')\"]"))
            .tables()
            .get("otel_logs_and_spans");
    assertThat(need.from()).contains(T0);
    assertThat(need.to()).contains(T0 + 2);
    assertThat(need.columns()).containsExactly("timestamp", "severity_text", "body", "project_id");
    assertThat(need.equalities()).isEqualTo(Map.of("severity_text", "ERROR"));
  }

  @Test
  void theProjectsNamedAreCollectedFromEveryScan() {
    ScanNeeds needs =
        needs(
            scan("events", "\"\"", "\"(project_id = 'acme')\""),
            scan("metrics", "\"\"", "\"(project_id = 'it''s')\""));
    assertThat(needs.namedProjects()).containsExactly("acme", "it's");
  }

  @Test
  void theProjectsListedInInListsAndAlternativesAreCollectedButNotNamed() {
    // as DuckDB 2.0 prints project_id IN ('acme', 'globex') and an OR of equalities: hints
    ScanNeeds needs =
        needs(
            scan("events", "\"\"", "\"optional: (project_id IN ('acme', 'it''s'))\""),
            scan(
                "metrics",
                "\"\"",
                "[\"optional: ((project_id = 'globex') OR (project_id = 'initech'))\","
                    + " \"(project_id NOT IN ('hooli'))\", \"(project_id != 'umbrella')\"]"));
    assertThat(needs.namedProjects()).isEmpty();
    assertThat(needs.listedProjects()).containsExactly("acme", "globex", "initech", "it's");
    assertThat(needs(scan("events", "\"\"", "\"(project_id = 'acme')\"")).listedProjects())
        .containsExactly("acme");
  }

  @Test
  void alternativesHintsAndFloatsWidenInsteadOfNarrowing() {
    TableNeed need =
        needs(
                scan(
                    "metrics",
                    "\"\"",
                    "[\"((timestamp < '2026-11-18 11:06:40+00'::TIMESTAMP WITH TIME ZONE) OR"
                        + " (timestamp > '2026-11-19 11:06:40+00'::TIMESTAMP WITH TIME ZONE))\","
                        + " \"optional: (metric_name IN ('a', 'b'))\", \"(value = 1.5)\"]"))
            .tables()
            .get("metrics");
    assertThat(need.from()).isEmpty();
    assertThat(need.to()).isEmpty();
    assertThat(need.equalities()).isEmpty();
    assertThat(need.columns()).containsExactly("timestamp", "metric_name", "value");
  }

  @Test
  void aTableScannedTwiceReadsTheLoosestRangeAndOnlySharedEqualities() {
    TableNeed need =
        needs(
                scan(
                    "otel_logs_and_spans",
                    "[\"trace_id\"]",
                    "[\"(timestamp >= '2026-11-18 11:06:40+00'::TIMESTAMP WITH TIME ZONE)\","
                        + " \"(trace_id = 'x')\", \"(record_type = 'span')\"]"),
                scan(
                    "otel_logs_and_spans",
                    "[\"body\"]",
                    "[\"(trace_id = 'x')\", \"(record_type = 'log')\"]"))
            .tables()
            .get("otel_logs_and_spans");
    assertThat(need.from()).isEqualTo(Optional.empty());
    assertThat(need.equalities()).isEqualTo(Map.of("trace_id", "x"));
    assertThat(need.columns()).containsExactly("timestamp", "record_type", "trace_id", "body");
  }
}
