package io.lakestream.ingest.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay did.
 *
 * @param topic the topic replayed
 * @param recordsRead records read from it, within the range
 * @param rowsProduced records produced, per target topic
 * @param rejected records the router rejected (not produced, not dead-lettered again), per reason
 *     code
 * @param truncatedSources where the records of truncated dead letters (not replayed) are, as {@code
 *     lakestream replay} options ({@code --topic T --from-offsets P:O}), the first {@value
 *     Replayer#MAX_TRUNCATED_LISTED}
 * @param elapsed from the first read to the last commit
 */
public record ReplaySummary(
    String topic,
    long recordsRead,
    Map<String, Long> rowsProduced,
    Map<String, Long> rejected,
    List<String> truncatedSources,
    Duration elapsed) {

  public ReplaySummary {
    rowsProduced = Map.copyOf(rowsProduced);
    rejected = Map.copyOf(rejected);
    truncatedSources = List.copyOf(truncatedSources);
  }

  /** Every row produced, all topics together. */
  public long totalRowsProduced() {
    return rowsProduced.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Every record rejected, all reasons together. */
  public long totalRejected() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Records read per second of {@link #elapsed}. */
  public double recordsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : recordsRead / seconds;
  }

  /** The summary as printed at the end of {@code lakestream replay}. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("replay of " + topic + " finished in " + ReplayProgress.duration(elapsed));
    lines.add(
        "  records read: "
            + ReplayProgress.count(recordsRead)
            + " ("
            + ReplayProgress.count(Math.round(recordsPerSecond()))
            + " records/s)");
    lines.add("  rows produced: " + ReplayProgress.count(totalRowsProduced()));
    new TreeMap<>(rowsProduced)
        .forEach((t, n) -> lines.add("    " + t + ": " + ReplayProgress.count(n)));
    if (!rejected.isEmpty()) {
      lines.add(
          "  rejected: "
              + ReplayProgress.count(totalRejected())
              + " (counted only, not written to the dead-letter topic again)");
      new TreeMap<>(rejected)
          .forEach((r, n) -> lines.add("    " + r + ": " + ReplayProgress.count(n)));
      if (rejected.containsKey(Replayer.TRUNCATED)) {
        lines.add(
            "  truncated: these dead letters were cut to fit lakestream.dlq and hold only the"
                + " start of their record, so they cannot be replayed. Replay their source records"
                + " instead (raise ingest.max.batch.bytes or ingest.max.record.bytes first if that"
                + " was the reason): lakestream replay ...");
        truncatedSources.forEach(source -> lines.add("    " + source));
      }
      if (rejected.containsKey("unregistered_project")) {
        lines.add(
            "  unregistered projects: register them (POST /v1/projects), or replay with --set"
                + " projects.registration=auto to register them as their rows are routed");
      }
    }
    return lines;
  }
}
