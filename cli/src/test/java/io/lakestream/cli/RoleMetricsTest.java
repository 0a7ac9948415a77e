package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.DeadLetterReason;
import io.lakestream.ingest.internal.IngestMetrics;
import io.lakestream.testkit.PrometheusText;
import io.lakestream.writer.internal.WriterMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code /metrics} of the ingest and write roles, fetched over HTTP with every meter in use,
 * passes a strict Prometheus text parser ({@code promtool check metrics} rules): each family has
 * HELP text and a TYPE.
 */
class RoleMetricsTest {
  @Test
  void writerMetricsHaveHelpAndTypeForEveryFamily() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WriterMetrics metrics = new WriterMetrics(registry);
    metrics.buffered(1024, 10);
    metrics.pausedOnce();
    metrics.paused(true);
    metrics.committed("events", 5_000_000, 10, 4096);
    metrics.rowsSkipped("events", 2);
    metrics.conflict("events");
    metrics.deadLettered("unknown_table");
    metrics.flushFailed("events");

    Map<String, PrometheusText.Family> families = PrometheusText.parse(scrape(registry));

    assertThat(families)
        .containsKeys(
            "lakestream_writer_bytes_written_total",
            "lakestream_writer_files_written_total",
            "lakestream_writer_rows_written_total",
            "lakestream_writer_rows_skipped_total",
            "lakestream_writer_commit_conflicts_total",
            "lakestream_writer_flush_failures_total",
            "lakestream_writer_rows_dead_lettered_total",
            "lakestream_writer_commit_latency_seconds");
    assertThat(families.get("lakestream_writer_bytes_written_total").help())
        .isEqualTo("Bytes of Parquet data files committed");
    assertThat(families.get("lakestream_writer_rows_written_total").samples())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.name()).isEqualTo("lakestream_writer_rows_written_total");
              assertThat(s.value()).isEqualTo(10.0);
            });
  }

  @Test
  void ingestMetricsHaveHelpAndTypeForEveryFamily() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IngestMetrics metrics = new IngestMetrics(registry, List.of("logs", "spans"));
    metrics.recordIn("logs");
    metrics.recordIn(null);
    metrics.rowsOut("logs", 3);
    metrics.deadLetter(DeadLetterReason.values()[0]);

    Map<String, PrometheusText.Family> families = PrometheusText.parse(scrape(registry));

    assertThat(families)
        .containsKeys(
            "lakestream_ingest_records_in_total",
            "lakestream_ingest_rows_out_total",
            "lakestream_ingest_dlq_total");
  }

  @Test
  void theParserRefusesAFamilyWithoutHelp() {
    String text =
        "# TYPE lakestream_writer_rows_written_total counter\n"
            + "lakestream_writer_rows_written_total{table=\"events\"} 10.0\n";
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PrometheusText.parse(text))
        .hasMessageContaining("no HELP for 'lakestream_writer_rows_written_total'");
  }

  private static String scrape(PrometheusMeterRegistry registry) throws Exception {
    try (RoleHttpServer server = RoleHttpServer.start(0, registry, () -> true)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain; version=0.0.4");
      return response.body();
    }
  }
}
