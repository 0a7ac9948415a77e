package io.lakestream.writer.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.schema.CommitAnnouncement;
import io.lakestream.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces every Delta commit on {@code lakestream.commits} ({@link CommitAnnouncement}), keyed by
 * {@code <project>/<table>} so that one table's announcements stay in order in one partition. Used
 * by the writer for its appends and by maintenance for its compaction and retention commits.
 *
 * <p>Sends are asynchronous and never hold up the writer: a send that fails is logged and counted,
 * and readers find the commit in the Delta log instead. The producer is idempotent, so a retried
 * send is not announced twice.
 */
public final class CommitFeed {
  private static final Logger log = LoggerFactory.getLogger(CommitFeed.class);

  /** A feed that announces nothing, for tests of other parts. */
  public static final CommitFeed NONE = new CommitFeed(null, () -> {});

  private final Producer<byte[], byte[]> producer;
  private final Runnable onFailure;

  /** A feed of the writer: a failed send is counted in {@code metrics}. */
  public CommitFeed(Producer<byte[], byte[]> producer, WriterMetrics metrics) {
    this(producer, metrics == null ? () -> {} : metrics::announcementFailed);
  }

  /**
   * A feed sending on {@code producer} (null: announces nothing); {@code onFailure} runs once for
   * each announcement that could not be sent (on the producer's thread).
   */
  public CommitFeed(Producer<byte[], byte[]> producer, Runnable onFailure) {
    this.producer = producer;
    this.onFailure = requireNonNull(onFailure, "onFailure is null");
  }

  /** Partitions of {@code lakestream.commits} when the writer creates it. */
  public static final int PARTITIONS = 12;

  /** How long announcements are kept: readers that were away longer read the Delta logs. */
  public static final long RETENTION_MILLIS = java.time.Duration.ofDays(7).toMillis();

  /**
   * Creates {@code lakestream.commits} when it is missing ({@value #PARTITIONS} partitions, 7 days
   * of retention). A failure is logged, not thrown: the writer's own work does not need the feed.
   */
  public static void createTopic(Map<String, Object> adminProperties) {
    try (Admin admin = Admin.create(adminProperties)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.COMMITS, PARTITIONS, (short) -1)
                      .configs(Map.of("retention.ms", Long.toString(RETENTION_MILLIS)))))
          .all()
          .get(15, java.util.concurrent.TimeUnit.SECONDS);
      log.info("Created topic {} ({} partitions)", Topics.COMMITS, PARTITIONS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        log.warn("Cannot create {}: {}", Topics.COMMITS, e.getCause().toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
      log.warn("Cannot create {}: {}", Topics.COMMITS, e.toString());
    }
  }

  /** Announces that {@code files} were committed to {@code table} at {@code version}. */
  public void announce(
      DeltaTables.Table table, long version, List<DataFile> files, Map<String, Long> watermarks) {
    if (producer == null) {
      return;
    }
    requireNonNull(table, "table is null");
    announce(
        table.project(),
        table.definition().name(),
        table.path(),
        version,
        files,
        List.of(),
        watermarks);
  }

  /**
   * Announces a commit to the table {@code project}/{@code table} at {@code location} that added
   * {@code files} and removed the paths {@code removed} (relative to the table folder, as in the
   * log). Asynchronous and best effort: a failed send is logged and counted, never thrown.
   */
  public void announce(
      String project,
      String table,
      String location,
      long version,
      List<DataFile> files,
      List<String> removed,
      Map<String, Long> watermarks) {
    if (producer == null) {
      return;
    }
    List<CommitAnnouncement.AddedFile> added = new ArrayList<>(files.size());
    for (DataFile file : files) {
      added.add(
          new CommitAnnouncement.AddedFile(
              file.path(), file.sizeBytes(), file.numRecords(), file.tags()));
    }
    CommitAnnouncement announcement =
        new CommitAnnouncement(
            CommitAnnouncement.FORMAT,
            project,
            table,
            location,
            version,
            System.currentTimeMillis(),
            added,
            removed,
            watermarks);
    try {
      producer.send(
          new ProducerRecord<>(
              Topics.COMMITS,
              announcement.key().getBytes(StandardCharsets.UTF_8),
              announcement.toJson()),
          (metadata, error) -> {
            if (error != null) {
              failed(announcement, error);
            }
          });
    } catch (RuntimeException e) {
      failed(announcement, e);
    }
  }

  private void failed(CommitAnnouncement announcement, Exception error) {
    onFailure.run();
    log.warn(
        "Cannot announce version {} of {} on {}: {}. Readers find it in the Delta log.",
        announcement.version(),
        announcement.key(),
        Topics.COMMITS,
        error.toString());
  }
}
