package io.lakestream.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SoakDataTest {
  @Test
  void everyIdIsSentOnceInBatchesOfOneToThreeProjectsAndItsProjectIsRemembered() {
    SoakData data = new SoakData(1_050, 100, 40, 7);
    Set<Integer> seen = new HashSet<>();
    for (int first = 0; first < data.rows(); first += 100) {
      LogsData batch = data.batch(first, Instant.parse("2026-12-06T05:00:00Z"));
      assertThat(batch.getResourceLogsCount()).isBetween(1, 3);
      int rows = 0;
      for (ResourceLogs resource : batch.getResourceLogsList()) {
        String project =
            resource.getResource().getAttributesList().stream()
                .filter(a -> a.getKey().equals("project_id"))
                .map(KeyValue::getValue)
                .findFirst()
                .orElseThrow()
                .getStringValue();
        for (LogRecord log : resource.getScopeLogs(0).getLogRecordsList()) {
          int id = SoakData.idOf(log.getBody().getStringValue());
          assertThat(seen.add(id)).as("id %d sent once", id).isTrue();
          assertThat(data.projectOf(id)).isEqualTo(project);
          rows++;
        }
      }
      assertThat(rows).isEqualTo(Math.min(100, data.rows() - first));
    }
    assertThat(seen).hasSize(1_050);
  }

  @Test
  void bodiesOfOtherRowsHaveNoId() {
    assertThat(SoakData.idOf("soak-42")).isEqualTo(42);
    assertThat(SoakData.idOf("GET /cart served in 3 ms")).isEqualTo(-1);
    assertThat(SoakData.idOf(null)).isEqualTo(-1);
  }
}
