package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.ProjectIds;
import io.lakestream.schema.RecordHeaders;
import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableLookup;
import io.lakestream.schema.Topics;
import io.lakestream.schema.convert.AvroSchemas;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads routed records ({@code lakestream.rows.<table>}: key = project id, value = Avro
 * single-object encoded row, headers = source coordinates) into buffered rows, or says why a record
 * cannot be written (then it goes to the DLQ).
 *
 * <p>A record without any source header is its own source: its appId is the routed partition and
 * its source offset the routed offset, so exactly-once still holds for rows produced straight to a
 * routed topic.
 *
 * <p>{@link #decode} may be called from the flush threads; every other method from the poll thread
 * only.
 */
public final class RoutedRows {
  /** DLQ reason: the routed topic names a table this writer does not know. */
  public static final String UNKNOWN_TABLE = "unknown_table";

  /** DLQ reason: the value is not the table's Avro row (bad bytes or unknown writer schema). */
  public static final String UNDECODABLE = "undecodable";

  /** DLQ reason: the project id is missing, differs between key and row, or is not a safe name. */
  public static final String INVALID_PROJECT = "invalid_project";

  /** DLQ reason: the source headers are partly missing or not decimal numbers. */
  public static final String INVALID_HEADERS = "invalid_source_headers";

  /** DLQ reason: the row violates the table schema (e.g. a primary key of the wrong type). */
  public static final String SCHEMA_VIOLATION = "schema_violation";

  private final TableLookup tables;
  // Read by the poll thread (parse) and the flush threads (decode).
  private final Map<String, RowCodec> codecs = new java.util.concurrent.ConcurrentHashMap<>();
  private final ThreadLocal<BinaryDecoder> binaryDecoders = new ThreadLocal<>();

  public RoutedRows(Map<String, TableDefinition> tables) {
    this(TableLookup.of(tables));
  }

  /**
   * Parses rows of the table types {@code tables} knows when each row is parsed: a table type
   * created later is accepted from its first row, a dropped one is {@link #UNKNOWN_TABLE}.
   */
  public RoutedRows(TableLookup tables) {
    this.tables = requireNonNull(tables, "tables is null");
  }

  /** What a routed record is. */
  public sealed interface Parsed permits Row, Rejected {}

  /** A row to buffer for {@code table}. */
  public record Row(TableKey table, TableDefinition definition, BufferedRow row)
      implements Parsed {}

  /** A record that cannot be written: the DLQ reason code, a sentence, and the error if any. */
  public record Rejected(String reason, String message, Throwable error) implements Parsed {}

  /**
   * Where a routed record comes from, or null when its source headers are invalid. A record without
   * source headers is its own source record, of one row.
   */
  public RowSource source(ConsumerRecord<byte[], byte[]> record) {
    SourceCoordinates coordinates;
    try {
      coordinates = SourceCoordinates.read(record.headers());
    } catch (SourceCoordinates.InvalidSourceHeadersException e) {
      return null;
    }
    if (coordinates == null) {
      coordinates =
          SourceCoordinates.of(record.topic(), record.partition(), record.offset()).row(0, 1);
    }
    return new RowSource(
        coordinates,
        appId(coordinates.topic(), coordinates.partition()),
        record.headers().lastHeader(io.lakestream.schema.RecordHeaders.REPLAYED) != null);
  }

  /** Whether the table type {@code table} exists now (it may have been dropped since start). */
  public boolean isLive(String table) {
    return tables.table(table).isPresent();
  }

  // Source topics and partitions are few: reuse their appIds instead of building one per row.
  private final Map<String, Map<Integer, String>> appIds = new HashMap<>();

  private String appId(String topic, int partition) {
    Map<Integer, String> byPartition = appIds.computeIfAbsent(topic, t -> new HashMap<>());
    String appId = byPartition.get(partition);
    if (appId == null) {
      appId = topic + "-" + partition;
      if (appIds.size() < 10_000) {
        byPartition.put(partition, appId);
      }
    }
    return appId;
  }

  /** Parses one routed record. */
  public Parsed parse(ConsumerRecord<byte[], byte[]> record, RowSource source, long nowNanos) {
    String tableName = Topics.tableOfRows(record.topic());
    TableDefinition table = tableName == null ? null : tables.table(tableName).orElse(null);
    if (table == null) {
      return new Rejected(
          UNKNOWN_TABLE,
          "Topic "
              + record.topic()
              + " names table '"
              + tableName
              + "', which this writer does"
              + " not know (never created, or dropped). Create the table type, then replay the DLQ.",
          null);
    }
    if (source == null) {
      return new Rejected(
          INVALID_HEADERS,
          "The source headers ("
              + RecordHeaders.SOURCE_TOPIC
              + ", "
              + RecordHeaders.SOURCE_PARTITION
              + ", "
              + RecordHeaders.SOURCE_OFFSET
              + ") must be all present with decimal partition and offset, or all absent; "
              + RecordHeaders.SOURCE_INDEX
              + " and "
              + RecordHeaders.SOURCE_COUNT
              + ", when present, decimal numbers (the count at least 1).",
          null);
    }
    if (record.value() == null) {
      return new Rejected(UNDECODABLE, "The record has no value (a tombstone).", null);
    }
    GenericRecord row;
    try {
      row = decode(table, record.value(), null);
    } catch (IOException | RuntimeException e) {
      return new Rejected(
          UNDECODABLE,
          "The value is not a "
              + table.name()
              + " row in Avro single-object encoding: "
              + e.getMessage(),
          e);
    }
    Object projectValue = row.get(TableDefinition.PROJECT_COLUMN);
    String project = projectValue == null ? null : projectValue.toString();
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    if (project == null || !isValidProject(project)) {
      return new Rejected(
          INVALID_PROJECT,
          "Project id '"
              + project
              + "' is not a valid project id (1 to "
              + ProjectIds.MAX_LENGTH
              + " letters, digits, '_' or '-').",
          null);
    }
    if (key != null && !key.equals(project)) {
      return new Rejected(
          INVALID_PROJECT,
          "The record key '" + key + "' differs from the row's project_id '" + project + "'.",
          null);
    }
    long primaryKey;
    try {
      Object value = row.get(table.primaryKey());
      if (value == null) {
        throw new IllegalArgumentException("the primary key is null");
      }
      primaryKey = PrimaryKeys.encode(table.primaryKeyColumn().type(), value);
    } catch (RuntimeException e) {
      return new Rejected(
          SCHEMA_VIOLATION,
          "Primary key '" + table.primaryKey() + "' cannot be read: " + e.getMessage(),
          e);
    }
    BufferedRow buffered =
        new BufferedRow(
            record.value(),
            primaryKey,
            source,
            new TopicPartition(record.topic(), record.partition()),
            record.offset(),
            nowNanos);
    return new Row(new TableKey(project, table.name()), table, buffered);
  }

  /**
   * Decodes a value: Avro single-object encoding of the table's row schema. The common case (the
   * table's own schema fingerprint) is read straight from the array; anything else goes through
   * Avro's {@link BinaryMessageDecoder}, which explains what is wrong.
   *
   * @throws IOException when the bytes are not a row of the table
   */
  public GenericRecord decode(TableDefinition table, byte[] value, GenericRecord reuse)
      throws IOException {
    RowCodec codec = codecs.get(table.name());
    if (codec == null || (codec.table != table && !codec.table.equals(table))) {
      // First row of this table type, or the type was re-created with other columns.
      codec = RowCodec.of(table);
      codecs.put(table.name(), codec);
    }
    if (codec.matches(value)) {
      BinaryDecoder binaryDecoder =
          DecoderFactory.get()
              .binaryDecoder(
                  value, HEADER_LENGTH, value.length - HEADER_LENGTH, binaryDecoders.get());
      binaryDecoders.set(binaryDecoder);
      return codec.reader.read(reuse, binaryDecoder);
    }
    return codec.messageDecoder.decode(value, reuse);
  }

  /** Single-object encoding: 0xC3 0x01, then the schema's 64-bit fingerprint, little-endian. */
  private static final int HEADER_LENGTH = 10;

  private record RowCodec(
      TableDefinition table,
      byte[] header,
      GenericDatumReader<GenericRecord> reader,
      BinaryMessageDecoder<GenericRecord> messageDecoder) {
    static RowCodec of(TableDefinition table) {
      Schema schema = AvroSchemas.rowSchema(table);
      long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
      byte[] header =
          ByteBuffer.allocate(HEADER_LENGTH)
              .order(ByteOrder.LITTLE_ENDIAN)
              .put((byte) 0xC3)
              .put((byte) 0x01)
              .putLong(fingerprint)
              .array();
      return new RowCodec(
          table,
          header,
          new GenericDatumReader<>(schema, schema, GenericData.get()),
          new BinaryMessageDecoder<>(GenericData.get(), schema));
    }

    boolean matches(byte[] value) {
      return value.length > HEADER_LENGTH
          && Arrays.equals(value, 0, HEADER_LENGTH, header, 0, HEADER_LENGTH);
    }
  }

  private final java.util.Set<String> validProjects = new java.util.HashSet<>();

  private boolean isValidProject(String project) {
    if (validProjects.contains(project)) {
      return true;
    }
    boolean valid = ProjectIds.isValid(project);
    if (valid && validProjects.size() < 100_000) {
      validProjects.add(project);
    }
    return valid;
  }
}
