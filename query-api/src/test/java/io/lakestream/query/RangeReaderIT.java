package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.query.internal.AccessPolicy.Principal;
import io.lakestream.reader.Cursor;
import io.lakestream.reader.IndexedFile;
import io.lakestream.reader.KeyRange;
import io.lakestream.reader.QueryException;
import io.lakestream.reader.TableId;
import io.lakestream.reader.TableSnapshot;
import io.lakestream.reader.TestRows;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Range reads against real Delta tables on local disk, compared row for row with the rows written:
 * overlapping files with many duplicate keys, a file without a model, several row groups, random
 * ranges in both orders, cursor walks, point reads, and a compaction applied by the tailer.
 */
class RangeReaderIT {
  private static final String PROJECT = "acme";
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final long BASE = 1_800_000_000_000_000L;

  @TempDir static Path warehouse;
  private static QueryRole role;
  private static DeltaFixture.Table table;
  private static TableReads reads;

  @BeforeAll
  static void writeTable() {
    QueryConfig config =
        QueryConfig.builder().warehouse(warehouse.toUri()).open(true).httpPort(0).build();
    DeltaFixture fixture = DeltaFixture.of(config).pageRows(37);
    table = fixture.table(PROJECT, EVENTS);
    TestRows rows = new TestRows(EVENTS, 42);
    table.append(rows.rowsWithDuplicates(PROJECT, BASE, 900, 1000), true);
    table.append(rows.rowsWithDuplicates(PROJECT, BASE + 100_000, 600, 1000), true);
    table.append(rows.rowsWithDuplicates(PROJECT, BASE + 50_000, 300, 3000), false);
    fixture.rowGroupBytes(16 * 1024);
    table.append(rows.rowsWithDuplicates(PROJECT, BASE + 400_000, 2000, 500), true);
    role = QueryRole.create(config, new SimpleMeterRegistry(), (e, r, b, a, s) -> {});
    reads = new TableReads(role, table, EVENTS);
    role.tables().discover();
    role.tables().pollAll();
  }

  @AfterAll
  static void stop() {
    if (role != null) {
      role.close();
    }
  }

  @Test
  void indexesEveryFileAndBuildsTheMissingModelFromTheKeyColumn() {
    TableSnapshot snapshot = reads.snapshot();
    assertThat(snapshot.fileCount()).isEqualTo(table.liveFiles().size());
    assertThat(snapshot.rows()).isEqualTo(table.expectedRows().size());
    assertThat(snapshot.files().stream().filter(IndexedFile::modelBuilt))
        .hasSize((int) table.liveFiles().stream().filter(f -> !f.withModel()).count())
        .isNotEmpty();
    assertThat(role.tables().ready()).isTrue();
  }

  @Test
  void randomRangesReturnExactlyTheRowsWrittenInKeyOrderBothWays() throws IOException {
    Random random = new Random(7);
    long span = 1_500_000;
    for (int i = 0; i < 60; i++) {
      long lo = BASE - 10_000 + (long) (random.nextDouble() * span);
      long hi = lo + 1 + (long) (random.nextDouble() * random.nextDouble() * span);
      KeyRange range = new KeyRange(lo, hi - 1);
      boolean descending = random.nextBoolean();
      assertThat(reads.read(range, descending, null, 100_000, new ArrayList<>()))
          .as("range [%d, %d) %s", lo, hi, descending ? "desc" : "asc")
          .isEqualTo(reads.expected(range, descending));
    }
  }

  @Test
  void cursorWalksTheWholeTableExactlyOnceWithDuplicateKeys() throws IOException {
    KeyRange narrow = new KeyRange(BASE + 40_000, BASE + 70_000);
    for (boolean descending : new boolean[] {false, true}) {
      assertThat(reads.walk(narrow, descending, 1)).isEqualTo(reads.expected(narrow, descending));
      for (int limit : new int[] {61, 500}) {
        assertThat(reads.walk(KeyRange.ALL, descending, limit))
            .as("limit %d %s", limit, descending)
            .isEqualTo(reads.expected(KeyRange.ALL, descending));
      }
    }
  }

  @Test
  void pointReadsReturnEveryRowOfTheKey() throws IOException {
    List<GenericRecord> rows = table.expectedRows();
    Random random = new Random(3);
    for (int i = 0; i < 40; i++) {
      long key = table.key(rows.get(random.nextInt(rows.size())));
      KeyRange range = KeyRange.of(key);
      assertThat(reads.read(range, false, null, 100_000, new ArrayList<>()))
          .isEqualTo(reads.expected(range, false));
    }
    assertThat(reads.read(KeyRange.of(BASE + 1), false, null, 10, new ArrayList<>())).isEmpty();
  }

  @Test
  void aCursorOfTheOtherOrderIsRefused() {
    Cursor ascending = new Cursor(false, BASE, 1);
    assertThatThrownBy(() -> reads.read(KeyRange.ALL, true, ascending, 10, new ArrayList<>()))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("ascending order");
    Cursor outside = new Cursor(false, BASE - 5, 1);
    assertThatThrownBy(
            () -> reads.read(new KeyRange(BASE, BASE + 10), false, outside, 10, new ArrayList<>()))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("outside the requested from/to range");
  }

  @Test
  void theTailerAppliesAppendsAndCompactionsIncrementally() throws IOException {
    TableId id = table.id();
    TestRows rows = new TestRows(EVENTS, 99);
    long before = reads.snapshot().version();
    table.append(rows.rowsWithDuplicates(PROJECT, BASE + 2_000_000, 100, 1000), true);
    List<DeltaFixture.WrittenFile> files = table.liveFiles();
    table.compact(files.subList(0, 2));
    role.tables().pollAll();
    TableSnapshot after = reads.snapshot();
    assertThat(after.version()).isEqualTo(before + 2);
    assertThat(after.fileCount()).isEqualTo(table.liveFiles().size());
    assertThat(after.rows()).isEqualTo(table.expectedRows().size());
    assertThat(reads.read(KeyRange.ALL, false, null, 100_000, new ArrayList<>()))
        .isEqualTo(reads.expected(KeyRange.ALL, false));
    Principal admin = role.service().authenticate(null);
    assertThat(role.service().status(admin, id.project(), id.table()).caughtUp()).isTrue();
  }
}
