package io.lakestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.ingest.internal.DeadLetterDeserializationHandler;
import io.lakestream.ingest.internal.DeadLetterProcessingHandler;
import io.lakestream.ingest.internal.DeadLetterProductionHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class IngestTopologyTest {
  @Test
  void streamsRunExactlyOnceWithTheDeadLetterHandlers() {
    IngestConfig config =
        IngestConfig.builder("b:1")
            .numStreamThreads(2)
            .streamsOverrides(
                Map.of(
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                    StreamsConfig.AT_LEAST_ONCE,
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                    "50"))
            .build();

    Properties props = IngestTopology.streamsProperties(config);

    assertThat(props)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "lakestream-ingest")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "b:1")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "50")
        .containsEntry(
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterDeserializationHandler.class.getName())
        .containsEntry(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterProcessingHandler.class.getName())
        .containsEntry(
            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterProductionHandler.class.getName())
        .containsEntry("producer.max.request.size", 1_048_588);
  }

  @Test
  void eachInputHasASourceAndEveryTableASink() {
    IngestConfig config = IngestConfig.builder("b:1").build();

    TopologyDescription description =
        IngestTopology.build(config, new SimpleMeterRegistry()).describe();

    String text = description.toString();
    assertThat(text)
        .contains("Source: otlp-logs-source (topics: [otlp_logs])")
        .contains("Source: otlp-spans-source (topics: [otlp_spans])")
        .contains("Source: otlp-metrics-source (topics: [otlp_metrics])")
        .contains("Source: avro-rows-source (topics: lakestream\\.ingest\\..+)")
        .contains(
            "Sink: rows-sink-otel_logs_and_spans (topic: lakestream.rows.otel_logs_and_spans)")
        .contains("Sink: rows-sink-metrics (topic: lakestream.rows.metrics)")
        .contains("Sink: rows-sink-events (topic: lakestream.rows.events)")
        .contains("Sink: dead-letter-sink (topic: lakestream.dlq)");
    assertThat(IngestTopology.topics(config))
        .containsExactly(
            "otlp_logs",
            "otlp_spans",
            "otlp_metrics",
            "lakestream.ingest.otel_logs_and_spans",
            "lakestream.ingest.metrics",
            "lakestream.ingest.events",
            "lakestream.rows.otel_logs_and_spans",
            "lakestream.rows.metrics",
            "lakestream.rows.events",
            "lakestream.dlq");
  }
}
