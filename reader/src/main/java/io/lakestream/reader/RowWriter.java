package io.lakestream.reader;

import io.lakestream.reader.internal.ArrowRowWriter;
import io.lakestream.reader.internal.CsvRowWriter;
import io.lakestream.reader.internal.JsonRowWriter;
import io.lakestream.schema.TableDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Writes rows in one {@link RowFormat} to a stream, as they come.
 *
 * <p>Value conventions, the same in every text format: timestamps are integers, microseconds since
 * the epoch UTC, or ISO-8601 UTC strings with {@link TimestampStyle#ISO}; dates are integers, days
 * since the epoch; arrays are JSON arrays; json columns are embedded as JSON (in CSV: as JSON
 * text); bytes are base64; nulls are JSON null (in CSV: an empty unquoted field, while an empty
 * string is {@code ""}). Arrow uses the table's Arrow schema ({@code Timestamp(MICROSECOND, UTC)},
 * {@code Date(DAY)}, lists, json as Utf8).
 */
public interface RowWriter extends RowSink {
  /** Writes what comes before the rows (array start, CSV header, Arrow schema). */
  void begin() throws IOException;

  /** Writes what comes after the rows and flushes; does not close the stream. */
  void end() throws IOException;

  /**
   * A writer of {@code columns} of {@code table} in {@code format}.
   *
   * @param allocator Arrow memory for {@link RowFormat#ARROW}; the writer allocates a child and
   *     frees it in {@link #end()} or {@link #close()}
   */
  static RowWriter create(
      RowFormat format,
      TableDefinition table,
      List<String> columns,
      OutputStream out,
      BufferAllocator allocator) {
    return create(format, TimestampStyle.MICROS, table, columns, out, allocator);
  }

  /**
   * A writer of {@code columns} of {@code table} in {@code format}, timestamps written in {@code
   * timestamps} (text formats only; Arrow's are typed).
   */
  static RowWriter create(
      RowFormat format,
      TimestampStyle timestamps,
      TableDefinition table,
      List<String> columns,
      OutputStream out,
      BufferAllocator allocator) {
    boolean iso = timestamps == TimestampStyle.ISO;
    return switch (format) {
      case JSON -> new JsonRowWriter(table, columns, out, false, iso);
      case NDJSON -> new JsonRowWriter(table, columns, out, true, iso);
      case CSV -> new CsvRowWriter(table, columns, out, iso);
      case ARROW -> new ArrowRowWriter(table, columns, out, allocator);
    };
  }

  /** Frees resources when the writer is abandoned before {@link #end()}. */
  default void close() {}
}
