package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.storage.CloseableIterator;
import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3Extension;
import io.lakestream.testkit.KernelTables;
import io.lakestream.writer.KeyModelEncoder;
import io.lakestream.writer.TestRows;
import io.lakestream.writer.internal.DeltaTables.CommitOutcome;
import io.lakestream.writer.internal.DeltaTables.Committed;
import io.lakestream.writer.internal.DeltaTables.Conflict;
import io.lakestream.writer.internal.DeltaTables.SourceRange;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conditional-put log store against S3Proxy, alone and under Delta with racing writers. */
class S3ConditionalPutLogStoreIT {
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");

  private static Warehouse warehouse(String bucket) {
    s3.createBucket(bucket);
    return Warehouse.of(
        URI.create("s3://" + bucket + "/lake"),
        S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()));
  }

  @Test
  void exactlyOneOfEightRacingWritersCreatesAVersion() throws Exception {
    Warehouse warehouse = warehouse("logstore-race");
    S3ConditionalPutLogStore store = new S3ConditionalPutLogStore(warehouse.hadoopConf());
    Path version = new Path("s3a://logstore-race/lake/t/_delta_log/00000000000000000000.json");
    int writers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String line = "{\"writer\":" + i + "}";
        Callable<String> write =
            () -> {
              start.await();
              try {
                store.write(version, List.of(line).iterator(), false, warehouse.hadoopConf());
                return line;
              } catch (FileAlreadyExistsException e) {
                return "refused";
              }
            };
        results.add(pool.submit(write));
      }
      start.countDown();
      List<String> outcomes = new ArrayList<>();
      for (Future<String> result : results) {
        outcomes.add(result.get());
      }
      assertThat(outcomes).filteredOn(o -> !o.equals("refused")).hasSize(1);
      String winner = outcomes.stream().filter(o -> !o.equals("refused")).findFirst().get();
      try (CloseableIterator<String> lines = store.read(version, warehouse.hadoopConf())) {
        assertThat(lines.next()).isEqualTo(winner);
        assertThat(lines.hasNext()).isFalse();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void overwritesWhenAskedAndListsFromAName() throws Exception {
    Warehouse warehouse = warehouse("logstore-list");
    S3ConditionalPutLogStore store = new S3ConditionalPutLogStore(warehouse.hadoopConf());
    String log = "s3a://logstore-list/lake/t/_delta_log/";
    for (int v = 0; v < 12; v++) {
      store.write(
          new Path(log + String.format("%020d.json", v)),
          List.of("{}").iterator(),
          false,
          warehouse.hadoopConf());
    }
    store.write(
        new Path(log + "_last_checkpoint"), List.of("a").iterator(), true, warehouse.hadoopConf());
    store.write(
        new Path(log + "_last_checkpoint"), List.of("b").iterator(), true, warehouse.hadoopConf());
    assertThatThrownBy(
            () ->
                store.write(
                    new Path(log + String.format("%020d.json", 3)),
                    List.of("{}").iterator(),
                    false,
                    warehouse.hadoopConf()))
        .isInstanceOf(FileAlreadyExistsException.class);

    List<String> names = new ArrayList<>();
    Iterator<FileStatus> listed =
        store.listFrom(new Path(log + String.format("%020d.json", 10)), warehouse.hadoopConf());
    listed.forEachRemaining(f -> names.add(f.getPath().getName()));
    assertThat(names)
        .containsExactly(
            "00000000000000000010.json", "00000000000000000011.json", "_last_checkpoint");
    try (CloseableIterator<String> lines =
        store.read(new Path(log + "_last_checkpoint"), warehouse.hadoopConf())) {
      assertThat(lines.next()).isEqualTo("b");
    }
    assertThatThrownBy(
            () ->
                store.listFrom(
                    new Path("s3a://logstore-list/nowhere/_delta_log/0.json"),
                    warehouse.hadoopConf()))
        .isInstanceOf(java.io.FileNotFoundException.class);
  }

  @Test
  void twoDeltaWritersRacingOnTheSameRowsCommitEachOnce() throws Exception {
    Warehouse warehouse = warehouse("logstore-delta");
    assertThat(warehouse.hadoopConf().get("delta.logStore.s3a.impl"))
        .isEqualTo(S3ConditionalPutLogStore.class.getName());
    DeltaTables.Table first =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(1)).open("acme", EVENTS);
    DeltaTables.Table second =
        new StandaloneDeltaTables(warehouse, 10, Duration.ofDays(1)).open("acme", EVENTS);
    DataFileWriter files =
        new DataFileWriter(EVENTS, warehouse.hadoopConf(), "zstd", KeyModelEncoder.none());
    int rounds = 6;
    int rowsPerRound = 5;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        long from = (long) round * rowsPerRound;
        Map<String, SourceRange> sources =
            Map.of("otlp_logs-0", new SourceRange(from, from + rowsPerRound - 1));
        DataFile a = write(files, first, from, rowsPerRound);
        DataFile b = write(files, second, from, rowsPerRound);
        CountDownLatch start = new CountDownLatch(1);
        Future<CommitOutcome> fa =
            pool.submit(
                () -> {
                  start.await();
                  return first.commit(List.of(a), sources);
                });
        Future<CommitOutcome> fb =
            pool.submit(
                () -> {
                  start.await();
                  return second.commit(List.of(b), sources);
                });
        start.countDown();
        List<CommitOutcome> outcomes = List.of(fa.get(), fb.get());
        assertThat(outcomes).filteredOn(o -> o instanceof Committed).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof Conflict).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
    KernelTables kernel = new KernelTables(warehouse.hadoopConf());
    List<Map<String, Object>> rows = kernel.rows(first.path());
    assertThat(rows).hasSize(rounds * rowsPerRound);
    assertThat(rows).extracting(r -> r.get("event_id")).doesNotHaveDuplicates();
    assertThat(kernel.snapshot(first.path()).getVersion()).isEqualTo(rounds - 1);
  }

  private static DataFile write(DataFileWriter files, DeltaTables.Table table, long from, int count)
      throws Exception {
    List<GenericRecord> rows = new ArrayList<>();
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = 1_000_000L + from + i;
      rows.add(TestRows.row(EVENTS, "acme", keys[i], "e" + (from + i)));
    }
    return files.write(new Path(table.path()), files.newFileName(), rows.iterator(), keys);
  }
}
