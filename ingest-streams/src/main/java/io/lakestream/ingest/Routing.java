package io.lakestream.ingest;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * What {@link RecordRouter#route} made of one source record: all of its rows ({@link Routed}), or
 * none and the reason ({@link Rejected}). Never part of each.
 */
public sealed interface Routing permits Routing.Routed, Routing.Rejected {

  /**
   * The source record's rows, in order; empty when a valid payload holds no records.
   *
   * @param rows row {@code i} carries {@code lakestream.source.index = i}
   */
  record Routed(List<Row> rows) implements Routing {
    public Routed {
      rows = List.copyOf(rows);
    }
  }

  /**
   * The source record cannot be routed; the live router sets it aside in {@code lakestream.dlq}
   * with these three values as its {@code lakestream.dlq.*} headers.
   *
   * @param reason why, the {@code lakestream.dlq.reason} header
   * @param message what was wrong and what to do, the {@code lakestream.dlq.message} header
   * @param errorClass the class of the error, the {@code lakestream.dlq.error.class} header
   */
  record Rejected(DeadLetterReason reason, String message, String errorClass) implements Routing {
    public Rejected {
      requireNonNull(reason, "reason is null");
      requireNonNull(message, "message is null");
      requireNonNull(errorClass, "errorClass is null");
    }
  }

  /**
   * One routed row, exactly as the router writes it to {@code lakestream.rows.<table>}.
   *
   * @param table the table
   * @param project the project id: the record key (UTF-8), equal to the row's {@code project_id}
   * @param value the Avro single-object encoding of the table's row schema
   * @param timestamp the source record's timestamp
   * @param headers {@code lakestream.source.topic}, {@code .partition}, {@code .offset}, {@code
   *     .index}
   */
  record Row(String table, String project, byte[] value, long timestamp, Headers headers) {
    public Row {
      requireNonNull(table, "table is null");
      requireNonNull(project, "project is null");
      requireNonNull(value, "value is null");
      requireNonNull(headers, "headers is null");
    }

    /** The topic of the row: {@code lakestream.rows.<table>}. */
    public String topic() {
      return Topics.rows(table);
    }

    /** The record key: the project id in UTF-8, as the router's String serde writes it. */
    public byte[] key() {
      return project.getBytes(StandardCharsets.UTF_8);
    }
  }
}
