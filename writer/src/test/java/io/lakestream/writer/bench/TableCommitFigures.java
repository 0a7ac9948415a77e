package io.lakestream.writer.bench;

import io.lakestream.schema.TableDefinition;
import io.lakestream.schema.TableDefinitions;
import io.lakestream.schema.Topics;
import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedKafka;
import io.lakestream.testkit.EmbeddedS3;
import io.lakestream.writer.RoutedProducer;
import io.lakestream.writer.TestRows;
import io.lakestream.writer.TestTables;
import io.lakestream.writer.WriterConfig;
import io.lakestream.writer.WriterRole;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table commits per second of the real writer with many active tables, on a local warehouse and an
 * in-process broker, for several {@code writer.flush.threads} in one run. For each (tables,
 * threads): a fresh routed topic of {@code events} (4 partitions) and a fresh warehouse; one 5-row
 * source record for each of N new projects, then a writer is started and timed until all N tables
 * have their first commit ("new tables"); then a producer keeps sending one 5-row record per
 * project in turn (2,000 records/s, transactions of 200) and the writer's commits are counted over
 * {@code seconds} ("commits/s"). Flush age 10 ms, so a table is due as soon as it has rows: the
 * figure is what the writer can commit, not what a flush age allows.
 *
 * <p>{@code java -Xmx3g -cp … io.lakestream.writer.bench.TableCommitFigures [tables,…] [threads,…]
 * [seconds] [local|s3]}, e.g. {@code 100,1000 1,2 20}; {@code s3}: the warehouse on an in-process
 * S3Proxy (conditional puts for the log, as on S3) instead of the local disk
 */
public final class TableCommitFigures {
  private static final Logger LOG = LoggerFactory.getLogger(TableCommitFigures.class);
  private static final TableDefinition EVENTS = TableDefinitions.builtIn("events");
  private static final int ROWS_PER_RECORD = 5;
  private static final int RECORDS_PER_SECOND = 2_000;
  private static final int RECORDS_PER_TRANSACTION = 200;

  public static void main(String[] args) throws Exception {
    List<Integer> tableCounts = integers(args.length > 0 ? args[0] : "100,1000");
    List<Integer> threadCounts = integers(args.length > 1 ? args[1] : "1,2");
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    boolean onS3 = args.length > 3 && args[3].equals("s3");
    List<String> results = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedS3 s3 = onS3 ? EmbeddedS3.start() : null) {
      warehouses = s3 == null ? new LocalWarehouses() : new S3Warehouses(s3);
      // Warm-up, not reported: class loading and JIT of Kafka, Parquet and Delta would otherwise
      // count against whichever run comes first.
      measure(kafka, "warmup", 50, threadCounts.get(threadCounts.size() - 1), 5);
      int run = 0;
      for (int tables : tableCounts) {
        for (int threads : threadCounts) {
          results.add(measure(kafka, "b" + run++, tables, threads, seconds));
        }
      }
    }
    LOG.info(
        "tables | flush threads | new tables' first commits | commits/s ({})",
        onS3 ? "S3Proxy" : "local disk");
    results.forEach(LOG::info);
    System.exit(0); // the broker's and the writers' leftover threads
  }

  private static String measure(
      EmbeddedKafka kafka, String prefix, int tables, int threads, int seconds) throws Exception {
    TableDefinition table = TestTables.renamed(EVENTS, prefix + "_events");
    kafka.createTopic(Topics.rows(table.name()), 4);
    kafka.createTopic(Topics.DEAD_LETTER, 1);
    WriterConfig config =
        warehouses
            .next(WriterConfig.devBuilder(), prefix)
            .bootstrapServers(kafka.bootstrapServers())
            .groupId(prefix + "-writer")
            .tables(Map.of(table.name(), table))
            .topicPattern("lakestream\\.rows\\." + prefix + "_.*")
            .flushAge(Duration.ofMillis(10))
            .flushThreads(threads)
            .build();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (RoutedProducer producer = new RoutedProducer(kafka.bootstrapServers())) {
      long[] offset = {0};
      produceRound(producer, table, tables, offset);
      long started = System.nanoTime();
      try (WriterRole writer = WriterRole.start(config, meters)) {
        while (commits(meters) < tables) {
          LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        double newTablesSeconds = (System.nanoTime() - started) / 1e9;
        LOG.info("{} new tables' first commits in {} s", tables, newTablesSeconds);

        AtomicBoolean producing = new AtomicBoolean(true);
        Thread load =
            new Thread(
                () -> {
                  long next = System.nanoTime();
                  while (producing.get()) {
                    produceRound(producer, table, tables, offset);
                    next += Duration.ofSeconds(1).toNanos() * tables / RECORDS_PER_SECOND;
                    LockSupport.parkNanos(next - System.nanoTime());
                  }
                },
                "bench-load");
        load.start();
        LockSupport.parkNanos(Duration.ofSeconds(3).toNanos()); // warm-up
        double before = commits(meters);
        long windowStart = System.nanoTime();
        LockSupport.parkNanos(Duration.ofSeconds(seconds).toNanos());
        double commitsPerSecond =
            (commits(meters) - before) / ((System.nanoTime() - windowStart) / 1e9);
        producing.set(false);
        load.join();
        String line =
            String.format(
                "%d | %d | %.1f s | %.0f", tables, threads, newTablesSeconds, commitsPerSecond);
        LOG.info(line);
        return line;
      }
    }
  }

  /** One 5-row source record per project, in transactions of 200 records. */
  private static void produceRound(
      RoutedProducer producer, TableDefinition table, int tables, long[] offset) {
    List<RoutedProducer.Routed> batch = new ArrayList<>();
    for (int p = 0; p < tables; p++) {
      String project = "p" + p;
      long sourceOffset = offset[0]++;
      for (int i = 0; i < ROWS_PER_RECORD; i++) {
        String id = sourceOffset + "-" + i;
        batch.add(
            new RoutedProducer.Routed(
                table,
                project,
                TestRows.row(table, project, 1_700_000_000_000_000L + sourceOffset * 10 + i, id),
                "otlp_logs",
                0,
                sourceOffset,
                i,
                ROWS_PER_RECORD));
      }
      if (batch.size() >= RECORDS_PER_TRANSACTION * ROWS_PER_RECORD) {
        producer.sendInTransaction(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      producer.sendInTransaction(batch);
    }
  }

  private static Warehouses warehouses;

  /** A fresh warehouse for each run. */
  private interface Warehouses {
    WriterConfig.Builder next(WriterConfig.Builder builder, String prefix) throws Exception;
  }

  private static final class LocalWarehouses implements Warehouses {
    @Override
    public WriterConfig.Builder next(WriterConfig.Builder builder, String prefix) throws Exception {
      return builder.warehouse(Files.createTempDirectory("table-commits").toUri());
    }
  }

  private record S3Warehouses(EmbeddedS3 s3) implements Warehouses {
    @Override
    public WriterConfig.Builder next(WriterConfig.Builder builder, String prefix) {
      String bucket = "table-commits-" + prefix;
      s3.createBucket(bucket);
      return builder
          .warehouse(java.net.URI.create("s3://" + bucket + "/lake"))
          .s3(S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()));
    }
  }

  private static double commits(SimpleMeterRegistry meters) {
    return meters.find("lakestream.writer.files.written").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static List<Integer> integers(String list) {
    List<Integer> values = new ArrayList<>();
    for (String value : list.split(",")) {
      values.add(Integer.parseInt(value.trim()));
    }
    return values;
  }
}
