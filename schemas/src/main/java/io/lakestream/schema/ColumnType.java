package io.lakestream.schema;

import java.util.Locale;
import java.util.Optional;

/**
 * The types a table column may have.
 *
 * <p>Timestamps are microseconds since the Unix epoch, UTC, everywhere in Lakestream (Avro {@code
 * timestamp-micros}, Parquet {@code TIMESTAMP(MICROS, UTC)}, Delta {@code timestamp}, Arrow {@code
 * Timestamp(MICROSECOND, "UTC")}). Dates are days since the epoch. {@code json} is a string holding
 * a JSON document (attributes, events, links).
 */
public enum ColumnType {
  BOOLEAN("boolean", false),
  INT("int", true),
  LONG("long", true),
  FLOAT("float", true),
  DOUBLE("double", true),
  STRING("string", false),
  BYTES("bytes", false),
  TIMESTAMP("timestamp", true),
  DATE("date", true),
  JSON("json", false),
  ARRAY_LONG("array<long>", false),
  ARRAY_DOUBLE("array<double>", false),
  ARRAY_STRING("array<string>", false);

  private final String typeName;
  private final boolean orderable;

  ColumnType(String typeName, boolean orderable) {
    this.typeName = typeName;
    this.orderable = orderable;
  }

  /** The name used in table definitions, e.g. {@code long} or {@code array<double>}. */
  public String typeName() {
    return typeName;
  }

  /** Whether values of this type have a total order usable as a primary key. */
  public boolean isOrderable() {
    return orderable;
  }

  /** Whether this is one of the array types. */
  public boolean isArray() {
    return this == ARRAY_LONG || this == ARRAY_DOUBLE || this == ARRAY_STRING;
  }

  /** The element type of an array type; empty for scalar types. */
  public Optional<ColumnType> elementType() {
    return switch (this) {
      case ARRAY_LONG -> Optional.of(LONG);
      case ARRAY_DOUBLE -> Optional.of(DOUBLE);
      case ARRAY_STRING -> Optional.of(STRING);
      default -> Optional.empty();
    };
  }

  /**
   * Parses a type name as written in a definition. Accepts the canonical names and the SQL-style
   * aliases {@code bigint}, {@code integer}, {@code text}, {@code varchar}, {@code real}, {@code
   * bool}, {@code binary}.
   */
  public static Optional<ColumnType> parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    return Optional.ofNullable(
        switch (n) {
          case "boolean", "bool" -> BOOLEAN;
          case "int", "integer", "int32" -> INT;
          case "long", "bigint", "int64" -> LONG;
          case "float", "real" -> FLOAT;
          case "double" -> DOUBLE;
          case "string", "text", "varchar" -> STRING;
          case "bytes", "binary" -> BYTES;
          case "timestamp" -> TIMESTAMP;
          case "date" -> DATE;
          case "json" -> JSON;
          case "array<long>", "array<bigint>" -> ARRAY_LONG;
          case "array<double>" -> ARRAY_DOUBLE;
          case "array<string>" -> ARRAY_STRING;
          default -> null;
        });
  }

  /** Every accepted canonical type name, for error messages. */
  public static String knownNames() {
    StringBuilder names = new StringBuilder();
    for (ColumnType type : values()) {
      if (names.length() > 0) {
        names.append(", ");
      }
      names.append(type.typeName);
    }
    return names.toString();
  }

  @Override
  public String toString() {
    return typeName;
  }
}
