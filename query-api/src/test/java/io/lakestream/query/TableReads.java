package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.reader.Cursor;
import io.lakestream.reader.KeyRange;
import io.lakestream.reader.ReadPlan;
import io.lakestream.reader.RowFormat;
import io.lakestream.reader.RowQuery;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.schema.TableDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads of one fixture table through the role's query service, as the rows route makes them but
 * without HTTP, and the rows the fixture wrote that they must return.
 */
record TableReads(QueryRole role, DeltaFixture.Table table, TableDefinition definition) {

  TableSnapshot snapshot() {
    return role.tables().snapshot(table.id()).orElseThrow();
  }

  /**
   * One page of every column as JSON texts; its next cursor, if any, is added to {@code next}.
   *
   * @throws IOException when a file cannot be read
   */
  List<String> read(KeyRange range, boolean descending, Cursor cursor, int limit, List<Cursor> next)
      throws IOException {
    RowQuery query = new RowQuery(range, descending, limit, definition.columnNames(), cursor);
    ReadPlan plan = role.service().plan(snapshot(), query);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    role.service().stream(plan, query, RowFormat.JSON, out);
    plan.next().ifPresent(next::add);
    List<String> rows =
        ExpectedRows.texts(ExpectedRows.parse(out.toString(StandardCharsets.UTF_8)));
    assertThat(rows).hasSize((int) plan.rowCount());
    return rows;
  }

  /** A range page by page of {@code limit} rows with the cursors; a page with a next is full. */
  List<String> walk(KeyRange range, boolean descending, int limit) throws IOException {
    List<String> all = new ArrayList<>();
    Cursor cursor = null;
    int pages = 0;
    do {
      List<Cursor> next = new ArrayList<>();
      List<String> page = read(range, descending, cursor, limit, next);
      assertThat(page.size()).isLessThanOrEqualTo(limit);
      if (!next.isEmpty()) {
        assertThat(page).hasSize(limit);
      }
      all.addAll(page);
      cursor = next.isEmpty() ? null : next.get(0);
      pages++;
    } while (cursor != null && pages < 10_000);
    return all;
  }

  /** The rows written in {@code range}, as JSON texts in the order of a read. */
  List<String> expected(KeyRange range, boolean descending) {
    List<GenericRecord> rows = new ArrayList<>();
    for (GenericRecord row : table.expectedRows()) {
      if (range.contains(table.key(row))) {
        rows.add(row);
      }
    }
    List<String> texts = ExpectedRows.jsonTexts(definition, definition.columnNames(), rows);
    if (descending) {
      Collections.reverse(texts);
    }
    return texts;
  }
}
