package io.lakestream.bench.soak;

import io.lakestream.schema.RecordHeaders;
import io.lakestream.testkit.KernelTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What the soak writes down when rows are lost or duplicated: the ids, their source records, the
 * Delta commits of their tables (versions, txn watermarks, files) and the layout of their routed
 * partitions as a read_committed consumer sees it.
 */
final class Evidence {
  private static final int MAX_IDS = 200;
  private static final int MAX_SOURCES = 10;

  private Evidence() {}

  static void write(Path file, Soak.Verification v, Soak soak) throws IOException {
    SoakData data = soak.data();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      out.printf(
          "lost %d, duplicated %d, in the wrong table %d%n",
          v.lost(), v.duplicated(), v.misplaced());
      Set<Integer> problemIds = new HashSet<>();
      Map<String, Set<String>> sourcesByProject = new TreeMap<>();
      for (var entry : Map.of("lost", v.lostIds(), "duplicated", v.duplicatedIds()).entrySet()) {
        out.printf("%n%s ids (first %d):%n", entry.getKey(), MAX_IDS);
        for (int id : entry.getValue().subList(0, Math.min(MAX_IDS, entry.getValue().size()))) {
          problemIds.add(id);
          String project = data.projectOf(id);
          String source = source(soak.sourceOf(id));
          sourcesByProject.computeIfAbsent(project, p -> new TreeSet<>()).add(source);
          out.printf(
              "  soak-%d project %s routed partition %d source %s%n",
              id, project, soak.routedPartition(project), source);
        }
      }
      out.printf("%nfiles holding these ids (Delta Kernel, latest snapshot):%n");
      KernelTables reader = new KernelTables(new org.apache.hadoop.conf.Configuration());
      for (String project : sourcesByProject.keySet()) {
        String path =
            soak.warehouse()
                .resolve("projects")
                .resolve(project)
                .resolve(Soak.TABLE)
                .toUri()
                .toString();
        Map<Integer, List<String>> files = new TreeMap<>();
        try {
          reader.forEachRow(
              reader.snapshot(path),
              List.of("body"),
              (row, f) -> {
                String body = (String) row.get("body");
                int id = SoakData.idOf(body);
                if (problemIds.contains(id)) {
                  files.computeIfAbsent(id, k -> new ArrayList<>()).add(f);
                }
              });
        } catch (RuntimeException e) {
          out.printf("  %s: cannot read: %s%n", project, e);
        }
        files.forEach((id, f) -> out.printf("  %s soak-%d: %s%n", project, id, f));
      }
      int shown = 0;
      for (var entry : sourcesByProject.entrySet()) {
        if (shown++ >= MAX_SOURCES) {
          break;
        }
        String project = entry.getKey();
        out.printf("%n== table %s: Delta log (version, txn, files with numRecords) ==%n", project);
        deltaLog(out, soak.warehouse().resolve("projects").resolve(project).resolve(Soak.TABLE));
        int partition = soak.routedPartition(project);
        out.printf(
            "%n== %s-%d read with read_committed: runs of (project, source record) around sources %s ==%n",
            Soak.ROUTED_TOPIC, partition, entry.getValue());
        layout(out, soak, partition, entry.getValue());
      }
    }
  }

  private static String source(long packed) {
    return Soak.LOGS_TOPIC + "-" + (packed >>> 48) + "@" + (packed & ((1L << 48) - 1));
  }

  private static void deltaLog(PrintWriter out, Path table) throws IOException {
    Path log = table.resolve("_delta_log");
    List<Path> commits;
    try (Stream<Path> files = Files.list(log)) {
      commits = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    for (Path commit : commits) {
      StringBuilder line = new StringBuilder(commit.getFileName().toString().replace(".json", ""));
      for (String action : Files.readAllLines(commit, StandardCharsets.UTF_8)) {
        if (action.startsWith("{\"txn\"")) {
          line.append(" ").append(action);
        } else if (action.startsWith("{\"add\"")) {
          int path = action.indexOf("\"path\":\"");
          int records = action.indexOf("numRecords");
          line.append(" add ")
              .append(action, path + 8, action.indexOf('"', path + 8))
              .append(
                  records < 0
                      ? ""
                      : " " + action.substring(records, Math.min(action.length(), records + 22)));
        }
      }
      out.println("  " + line);
    }
  }

  private static void layout(PrintWriter out, Soak soak, int partition, Set<String> sources) {
    record Run(long first, long last, String project, String source, String counts) {}
    List<Run> runs = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = soak.newReadCommittedConsumer()) {
      Soak.readAllOf(
          consumer,
          Soak.ROUTED_TOPIC,
          record -> {
            if (record.partition() != partition) {
              return;
            }
            String project =
                record.key() == null ? "?" : new String(record.key(), StandardCharsets.UTF_8);
            String source = sourceOf(record);
            String count = Soak.header(record, RecordHeaders.SOURCE_COUNT);
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null
                && last.project().equals(project)
                && last.source().equals(source)
                && last.last() + 1 >= record.offset() - 1) {
              runs.set(
                  runs.size() - 1,
                  new Run(last.first(), record.offset(), project, source, last.counts()));
            } else {
              runs.add(
                  new Run(record.offset(), record.offset(), project, source, "count " + count));
            }
          });
    }
    Set<Integer> show = new TreeSet<>();
    for (int i = 0; i < runs.size(); i++) {
      if (sources.contains(runs.get(i).source())) {
        for (int j = Math.max(0, i - 3); j <= Math.min(runs.size() - 1, i + 3); j++) {
          show.add(j);
        }
      }
    }
    int previous = -2;
    for (int i : show) {
      if (i != previous + 1) {
        out.println("  …");
      }
      Run run = runs.get(i);
      out.printf(
          "  offsets %d-%d  %s rows of source %s (%s)%s%n",
          run.first(),
          run.last(),
          run.project(),
          run.source(),
          run.counts(),
          sources.contains(run.source()) ? "  <==" : "");
      previous = i;
    }
  }

  private static String sourceOf(ConsumerRecord<byte[], byte[]> record) {
    return Objects.requireNonNullElse(Soak.header(record, RecordHeaders.SOURCE_TOPIC), "?")
        + "-"
        + Soak.header(record, RecordHeaders.SOURCE_PARTITION)
        + "@"
        + Soak.header(record, RecordHeaders.SOURCE_OFFSET);
  }
}
