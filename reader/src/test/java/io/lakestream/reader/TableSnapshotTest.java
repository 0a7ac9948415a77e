package io.lakestream.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.index.KeyModel;
import io.lakestream.schema.TableDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TableSnapshotTest {
  private static final TableId ID = new TableId("p", "events");

  private static IndexedFile file(String path, long modified, long from, long to, long step) {
    long[] keys = LongStream.iterate(from, k -> k <= to, k -> k + step).toArray();
    return new IndexedFile(path, "file:/w/" + path, 100, modified, KeyModel.build(keys), false);
  }

  private static TableSnapshot snapshot(List<IndexedFile> files) {
    return TableSnapshot.of(ID, TableDefinitions.builtIn("events"), 3, 1000, files);
  }

  @Test
  void filesOverlappingMatchesABruteForceScan() {
    Random random = new Random(5);
    List<IndexedFile> files = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      long from = random.nextInt(1_000_000);
      long to = from + random.nextInt(random.nextBoolean() ? 1000 : 200_000);
      files.add(file("f" + i, i, from, to, 1 + random.nextInt(50)));
    }
    TableSnapshot snapshot = snapshot(files);
    for (int i = 0; i < 500; i++) {
      long lo = random.nextInt(1_300_000) - 100_000;
      long hi = lo + random.nextInt(100_000);
      List<String> expected =
          snapshot.files().stream()
              .filter(f -> f.maxKey() >= lo && f.minKey() <= hi)
              .map(IndexedFile::logPath)
              .toList();
      assertThat(snapshot.filesOverlapping(lo, hi).stream().map(IndexedFile::logPath).toList())
          .isEqualTo(expected);
    }
    assertThat(snapshot.filesOverlapping(10, 9)).isEmpty();
  }

  @Test
  void applyRemovesAndAddsWithoutTouchingTheOldSnapshot() {
    IndexedFile a = file("a", 1, 0, 100, 1);
    IndexedFile b = file("b", 2, 50, 150, 1);
    IndexedFile c = file("c", 3, 200, 300, 1);
    TableSnapshot before = snapshot(List.of(a, b, c));
    IndexedFile merged = file("ab", 4, 0, 150, 1);
    IndexedFile d = file("d", 5, 120, 130, 1);
    TableSnapshot after = before.apply(4, 2000, List.of("a", "b", "unknown"), List.of(d, merged));
    assertThat(after.files()).extracting(IndexedFile::logPath).containsExactly("ab", "d", "c");
    assertThat(after.version()).isEqualTo(4);
    assertThat(after.commitTimestampMillis()).isEqualTo(2000);
    assertThat(after.rows()).isEqualTo(151 + 11 + 101);
    assertThat(after.maxKey()).isEqualTo(300);
    assertThat(after.minKey()).isZero();
    assertThat(after.file("a")).isNull();
    assertThat(before.files()).extracting(IndexedFile::logPath).containsExactly("a", "b", "c");
    assertThat(after.indexBytes()).isPositive();
  }

  @Test
  void equalMinKeysAreOrderedOlderFileFirst() {
    TableSnapshot snapshot =
        snapshot(List.of(file("z", 1, 0, 10, 1), file("y", 2, 0, 10, 1), file("x", 2, 0, 10, 1)));
    assertThat(snapshot.files()).extracting(IndexedFile::logPath).containsExactly("z", "x", "y");
  }
}
