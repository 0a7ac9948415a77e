package io.lakestream.ingest;

import java.util.Locale;

/**
 * How an OTLP input topic's records are encoded: the Collector Kafka exporter's {@code encoding}
 * setting.
 */
public enum OtlpEncoding {
  /**
   * {@code otlp_proto}, the exporter's default: a serialized {@code LogsData}/{@code TracesData}.
   */
  PROTO("otlp_proto"),
  /**
   * {@code otlp_json}: OTLP/JSON, lowerCamelCase field names, trace and span ids as hex strings,
   * 64-bit integers as strings or numbers, enums as numbers.
   */
  JSON("otlp_json");

  private final String exporterName;

  OtlpEncoding(String exporterName) {
    this.exporterName = exporterName;
  }

  /** The name the Collector's Kafka exporter uses: {@code otlp_proto} or {@code otlp_json}. */
  public String exporterName() {
    return exporterName;
  }

  /**
   * Parses {@code otlp_proto}, {@code proto}, {@code otlp_json} or {@code json}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static OtlpEncoding parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "otlp_proto", "proto", "protobuf" -> PROTO;
      case "otlp_json", "json" -> JSON;
      default ->
          throw new IllegalArgumentException(
              "Unknown OTLP encoding '" + name + "'. Use otlp_proto (the default) or otlp_json.");
    };
  }

  @Override
  public String toString() {
    return exporterName;
  }
}
