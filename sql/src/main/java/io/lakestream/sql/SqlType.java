package io.lakestream.sql;

/**
 * The type of a result column, as PostgreSQL names it, so that a protocol can map it to a type OID
 * and a text or binary encoding. Each type says the Java class of its values in a {@link
 * QueryResult} (a null value is {@code null} in every type).
 */
public enum SqlType {
  /** {@code bool}: {@link Boolean}. */
  BOOLEAN,
  /** {@code int2}: {@link Short}. */
  SMALLINT,
  /** {@code int4}: {@link Integer}. */
  INTEGER,
  /** {@code int8}: {@link Long}. */
  BIGINT,
  /** {@code float4}: {@link Float}. */
  REAL,
  /** {@code float8}: {@link Double}. */
  DOUBLE,
  /**
   * {@code numeric}: {@link java.math.BigDecimal} (also 128-bit integers such as {@code
   * sum(bigint)}).
   */
  NUMERIC,
  /** {@code text}: {@link String}. */
  TEXT,
  /** {@code bytea}: {@code byte[]}. */
  BYTEA,
  /** {@code date}: {@link java.time.LocalDate}. */
  DATE,
  /** {@code time}: {@link java.time.LocalTime}. */
  TIME,
  /** {@code timestamp} (without time zone): {@link java.time.LocalDateTime}. */
  TIMESTAMP,
  /** {@code timestamptz}: {@link java.time.Instant}, microsecond precision. */
  TIMESTAMPTZ,
  /** {@code interval}: {@link String} in PostgreSQL's output style, e.g. {@code 00:15:00}. */
  INTERVAL,
  /** {@code jsonb}: {@link String} holding the JSON text. */
  JSON,
  /** {@code uuid}: {@link java.util.UUID}. */
  UUID,
  /**
   * An array ({@code int8[]}, {@code text[]}, …): {@link java.util.List} of the element type's
   * values; the element type is {@link ResultColumn#elementType()}.
   */
  ARRAY
}
