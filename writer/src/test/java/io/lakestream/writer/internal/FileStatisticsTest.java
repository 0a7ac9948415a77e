package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.writer.TestRows;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class FileStatisticsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TableDefinition METRICS = TableDefinitions.builtIn("metrics");

  @Test
  void collectsCountsMinMaxAndNullsPerColumn() throws Exception {
    FileStatistics statistics = new FileStatistics(METRICS);
    GenericRecord first = TestRows.row(METRICS, "acme", 1_000_001L, "cpu");
    first.put("value", 2.5);
    first.put("scale", 7);
    first.put("description", null);
    GenericRecord second = TestRows.row(METRICS, "acme", 999_999L, "mem");
    second.put("value", -1.0);
    second.put("scale", null);
    second.put("description", null);
    statistics.add(first);
    statistics.add(second);

    JsonNode stats = JSON.readTree(statistics.toJson());

    assertThat(stats.get("numRecords").asLong()).isEqualTo(2);
    assertThat(stats.at("/minValues/timestamp").asText()).isEqualTo("1970-01-01T00:00:00.999Z");
    assertThat(stats.at("/maxValues/timestamp").asText()).isEqualTo("1970-01-01T00:00:01.001Z");
    assertThat(stats.at("/minValues/metric_name").asText()).isEqualTo("cpu");
    assertThat(stats.at("/maxValues/metric_name").asText()).isEqualTo("mem");
    assertThat(stats.at("/minValues/value").asDouble()).isEqualTo(-1.0);
    assertThat(stats.at("/maxValues/value").asDouble()).isEqualTo(2.5);
    assertThat(stats.at("/minValues/scale").asInt()).isEqualTo(7);
    assertThat(stats.at("/nullCount/scale").asLong()).isEqualTo(1);
    assertThat(stats.at("/nullCount/description").asLong()).isEqualTo(2);
    assertThat(stats.at("/minValues/description").isMissingNode()).isTrue();
    assertThat(stats.at("/nullCount/bucket_counts").isNumber()).isTrue();
    assertThat(stats.at("/minValues/bucket_counts").isMissingNode()).isTrue();
    assertThat(stats.at("/minValues/is_monotonic").isMissingNode()).isTrue();
  }

  @Test
  void truncatesLongStringsToTrueBounds() {
    String longValue = "a".repeat(40);
    assertThat(FileStatistics.truncatedMin(longValue)).isEqualTo("a".repeat(32));
    assertThat(FileStatistics.truncatedMax(longValue)).isEqualTo("a".repeat(32) + "\uFFFD");
    assertThat(FileStatistics.truncatedMax(longValue).compareTo(longValue)).isPositive();
    String withHighTail = "b".repeat(32) + "\uFFFF" + "zz";
    assertThat(FileStatistics.truncatedMax(withHighTail))
        .isEqualTo("b".repeat(32) + "\uFFFF\uFFFD")
        .isGreaterThan(withHighTail);
    assertThat(FileStatistics.truncatedMax("short")).isEqualTo("short");
  }

  @Test
  void leavesOutMinMaxOfNonFiniteDoubles() throws Exception {
    FileStatistics statistics = new FileStatistics(METRICS);
    GenericRecord row = TestRows.row(METRICS, "acme", 1L, "cpu");
    row.put("value", Double.NaN);
    statistics.add(row);

    JsonNode stats = JSON.readTree(statistics.toJson());

    assertThat(stats.at("/minValues/value").isMissingNode()).isTrue();
    assertThat(stats.at("/nullCount/value").asLong()).isZero();
  }
}
