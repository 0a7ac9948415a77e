package io.lakestream.writer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.schema.SourceCoordinates;
import io.lakestream.schema.TableDefinitions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A model of one routed partition written by several transactional producers (two live routers and
 * a replay of already-routed records), read with {@code read_committed} by the writer in polls of
 * random size, over many random interleavings: transactions open, commit and abort at every offset,
 * and a consumer stops at the first offset of an open transaction (the last stable offset), even in
 * the middle of a committed transaction.
 *
 * <p>The writer's side is the real {@link TableBuffer} (completeness, repeats, source order) and
 * the watermark rule of {@link TableFlusher} (rows at or below the highest committed source offset
 * of their source partition are dropped). Every flush must hold whole source records, and at the
 * end every source record committed by any producer must be in the table exactly once.
 */
class CompletenessModelTest {
  private static final TopicPartition ROUTED = new TopicPartition("lakestream.rows.events", 0);

  @Test
  void noFlushTakesPartOfARecordAndEveryRecordLandsOnceWithRowCounts() {
    for (long seed = 0; seed < 2_000; seed++) {
      Outcome outcome = new Model(seed, true).run();
      assertThat(outcome.splitRecords).as("records split across flushes, seed %d", seed).isEmpty();
      assertThat(outcome.table).as("rows in the table, seed %d", seed).isEqualTo(outcome.expected);
      assertThat(outcome.duplicates).as("rows written twice, seed %d", seed).isZero();
    }
  }

  /**
   * The model finds the soak's loss with the older rule: it can tell a wrong rule from a right one.
   */
  @Test
  void theOlderRuleSplitsRecordsInTheSameInterleavings() {
    int lossy = 0;
    for (long seed = 0; seed < 2_000; seed++) {
      Outcome outcome = new Model(seed, false).run();
      if (!outcome.splitRecords.isEmpty() || !outcome.table.equals(outcome.expected)) {
        lossy++;
      }
    }
    assertThat(lossy).isGreaterThan(0);
  }

  /** A source record's rows for the table: their indexes among all the record's rows. */
  private record SourceRecordRows(String appId, long offset, int[] indexes) {}

  private record Entry(SourceRecordRows record, int index, Transaction transaction) {}

  private static final class Transaction {
    String state = "open";
  }

  private record RowId(String appId, long offset, int index) {}

  private static final class Outcome {
    final Set<RowId> expected = new HashSet<>();
    final Set<RowId> table = new HashSet<>();
    final List<String> splitRecords = new ArrayList<>();
    int duplicates;
  }

  /** One producer: the records it still has to send, and its open transaction. */
  private static final class Producer {
    final Deque<SourceRecordRows> pending = new ArrayDeque<>();
    final List<SourceRecordRows> inTransaction = new ArrayList<>();
    Transaction transaction;
    SourceRecordRows current;
    int nextRow;
  }

  private static final class Model {
    private final Random random;
    private final boolean counted;
    private final List<Entry> log = new ArrayList<>();
    private final Producer[] producers = {new Producer(), new Producer(), new Producer()};
    private final Map<String, Long> watermarks = new HashMap<>();
    private final Map<String, Long> newestSeen = new HashMap<>();
    private final Map<String, BitSet> wholeRecords = new HashMap<>();
    private final Set<String> committedLive = new HashSet<>();
    private final TableBuffer buffer =
        new TableBuffer(new TableKey("acme", "events"), TableDefinitions.builtIn("events"));
    private final Outcome outcome = new Outcome();
    private int position;
    private boolean readToEnd;

    Model(long seed, boolean counted) {
      this.random = new Random(seed);
      this.counted = counted;
      for (int p = 0; p < 2; p++) {
        for (long offset = 0; offset < 6; offset++) {
          SourceRecordRows record = newRecord("in-" + p, offset);
          producers[p].pending.add(record);
          outcome.expected.addAll(rowIds(record));
        }
      }
    }

    private SourceRecordRows newRecord(String appId, long offset) {
      int total = 1 + random.nextInt(8); // rows of every table made from the record
      List<Integer> ours = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        if (ours.isEmpty() && i == total - 1 || random.nextInt(3) > 0) {
          ours.add(i);
        }
      }
      int[] indexes = ours.stream().mapToInt(Integer::intValue).toArray();
      BitSet whole = new BitSet();
      for (int index : indexes) {
        whole.set(index);
      }
      wholeRecords.put(appId + "@" + offset, whole);
      return new SourceRecordRows(appId, offset, indexes);
    }

    private static List<RowId> rowIds(SourceRecordRows record) {
      List<RowId> ids = new ArrayList<>();
      for (int index : record.indexes()) {
        ids.add(new RowId(record.appId(), record.offset(), index));
      }
      return ids;
    }

    Outcome run() {
      for (int step = 0; step < 600 && !done(); step++) {
        int action = random.nextInt(10);
        if (action < 7) {
          produce(producers[random.nextInt(producers.length)]);
        } else if (action < 9) {
          poll(false);
        } else {
          flush();
        }
      }
      for (Producer producer : producers) { // let every producer finish its work
        while (producer.transaction != null || !producer.pending.isEmpty()) {
          produce(producer);
        }
      }
      poll(true);
      flush();
      assertThat(buffer.isEmpty()).as("every row flushed at the end").isTrue();
      return outcome;
    }

    private boolean done() {
      for (Producer producer : producers) {
        if (producer.transaction != null || !producer.pending.isEmpty()) {
          return false;
        }
      }
      return position == log.size() && buffer.isEmpty();
    }

    /** One step of a producer: begin, send one row, or end its transaction. */
    private void produce(Producer producer) {
      if (producer.transaction == null) {
        if (producer == producers[2]) {
          replayNext(producer);
        }
        if (producer.pending.isEmpty()) {
          return;
        }
        producer.transaction = new Transaction();
      }
      if (producer.current == null && !producer.pending.isEmpty() && random.nextInt(3) > 0) {
        producer.current = producer.pending.poll();
        producer.nextRow = 0;
      }
      if (producer.current != null) {
        SourceRecordRows record = producer.current;
        log.add(new Entry(record, record.indexes()[producer.nextRow++], producer.transaction));
        if (producer.nextRow == record.indexes().length) {
          producer.inTransaction.add(record);
          producer.current = null;
        }
        return;
      }
      boolean commit = random.nextInt(5) > 0;
      producer.transaction.state = commit ? "committed" : "aborted";
      if (commit) {
        if (producer != producers[2]) {
          producer.inTransaction.forEach(r -> committedLive.add(r.appId() + "@" + r.offset()));
        }
      } else {
        // Kafka Streams processes the aborted records again, in order, in a new transaction.
        for (int i = producer.inTransaction.size() - 1; i >= 0; i--) {
          producer.pending.addFirst(producer.inTransaction.get(i));
        }
      }
      producer.inTransaction.clear();
      producer.transaction = null;
    }

    /** The replay sends again, in order, records of in-0 that the live router committed. */
    private long replayed;

    private void replayNext(Producer replay) {
      if (replay.pending.isEmpty() && committedLive.contains("in-0@" + replayed)) {
        SourceRecordRows original = find("in-0", replayed++);
        if (original != null) {
          replay.pending.add(original);
        }
      }
    }

    private SourceRecordRows find(String appId, long offset) {
      for (Entry entry : log) {
        if (entry.record().appId().equals(appId) && entry.record().offset() == offset) {
          return entry.record();
        }
      }
      return null;
    }

    /**
     * Reads committed entries up to the last stable offset (the first entry of an open
     * transaction), or to a random point before it.
     */
    private void poll(boolean toStableOffset) {
      int stable = log.size();
      for (int i = position; i < log.size(); i++) {
        if (log.get(i).transaction().state.equals("open")) {
          stable = i;
          break;
        }
      }
      int end =
          toStableOffset || stable == position
              ? stable
              : position + random.nextInt(stable - position + 1);
      for (; position < end; position++) {
        Entry entry = log.get(position);
        if (!entry.transaction().state.equals("committed")) {
          continue;
        }
        SourceRecordRows record = entry.record();
        newestSeen.merge(record.appId(), record.offset(), Math::max);
        if (record.offset() <= watermarks.getOrDefault(record.appId(), -1L)) {
          continue; // alreadyWritten
        }
        int count = counted ? record.indexes().length : SourceCoordinates.UNKNOWN;
        SourceCoordinates coordinates =
            SourceCoordinates.of(record.appId(), 0, record.offset()).row(entry.index(), count);
        buffer.add(
            new BufferedRow(
                new byte[1],
                position,
                new RowSource(coordinates, record.appId()),
                ROUTED,
                position,
                position));
      }
      readToEnd = position == stable;
    }

    /** The writer loop's rule for rows without a count. */
    private final Predicate<BufferedRow> olderRule =
        row -> readToEnd || newestSeen.getOrDefault(row.appId(), -1L) > row.sourceOffset();

    private void flush() {
      List<BufferedRow> batch = buffer.completeRows(olderRule);
      Map<String, BitSet> taken = new HashMap<>();
      for (BufferedRow row : batch) {
        taken
            .computeIfAbsent(row.appId() + "@" + row.sourceOffset(), k -> new BitSet())
            .set(row.sourceIndex());
      }
      taken.forEach(
          (record, indexes) -> {
            if (!indexes.equals(wholeRecords.get(record))) {
              outcome.splitRecords.add(record + " " + indexes + " of " + wholeRecords.get(record));
            }
          });
      Map<String, Long> newWatermarks = new HashMap<>();
      for (BufferedRow row : batch) {
        if (row.sourceOffset() > watermarks.getOrDefault(row.appId(), -1L)) {
          if (!outcome.table.add(new RowId(row.appId(), row.sourceOffset(), row.sourceIndex()))) {
            outcome.duplicates++;
          }
          newWatermarks.merge(row.appId(), row.sourceOffset(), Math::max);
        }
      }
      newWatermarks.forEach((appId, offset) -> watermarks.merge(appId, offset, Math::max));
      buffer.remove(batch);
    }
  }
}
