package io.lakestream.ingest;

import static java.util.Objects.requireNonNull;

/**
 * One OTLP input: the topic a Collector's Kafka exporter writes a signal to, and its encoding.
 *
 * @param topic the Kafka topic name
 * @param encoding how the topic's records are encoded
 */
public record OtlpInput(String topic, OtlpEncoding encoding) {
  public OtlpInput {
    requireNonNull(topic, "topic is null");
    requireNonNull(encoding, "encoding is null");
    if (topic.isBlank()) {
      throw new IllegalArgumentException("OTLP input topic is blank. Name a Kafka topic.");
    }
  }

  /** The topic, read as {@code otlp_proto}. */
  public static OtlpInput proto(String topic) {
    return new OtlpInput(topic, OtlpEncoding.PROTO);
  }

  /** The topic, read as {@code otlp_json}. */
  public static OtlpInput json(String topic) {
    return new OtlpInput(topic, OtlpEncoding.JSON);
  }
}
