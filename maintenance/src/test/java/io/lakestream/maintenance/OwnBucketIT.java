package io.lakestream.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3Extension;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivilegedAction;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance of the tables in projects' own buckets ({@code POST /register_project}) beside a
 * local warehouse's: the bucket is reached with its registration's endpoint and credentials only
 * (the warehouse has no S3 settings), compacted and committed through the S3 log store, read back
 * by Delta Kernel; a bucket that refuses its credentials fails its own table's turn and no other.
 */
class OwnBucketIT {
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  @TempDir Path dir;

  private static S3Settings settings() {
    return S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey());
  }

  /**
   * Runs {@code setUp} as another Hadoop user: its s3a file systems are cached apart from the
   * maintainer's, so the maintainer reaches the bucket with its own configuration only.
   */
  private static <T> T asAnotherUser(PrivilegedAction<T> setUp) {
    return UserGroupInformation.createRemoteUser("own-bucket-set-up").doAs(setUp);
  }

  @Test
  void compactsAProjectsOwnBucketBesideTheWarehouseAndABadBucketFailsOnlyItsTable()
      throws Exception {
    s3.createBucket("acme-own");
    s3.createBucket("initech-own");
    SmallFileTable globex =
        new SmallFileTable(dir.toUri(), S3Settings.aws(), CompactionIT.EVENTS, "globex");
    CompactionIT.appendFiles(globex, 0, 12);
    SmallFileTable acme =
        asAnotherUser(
            () -> {
              SmallFileTable table =
                  new SmallFileTable(
                      URI.create("s3://acme-own"), settings(), CompactionIT.EVENTS, "acme");
              CompactionIT.appendFiles(table, 0, 30);
              return table;
            });
    OwnBuckets registered =
        () ->
            List.of(
                new OwnBuckets.OwnBucket(
                    "acme", "acme-own", settings(), Set.of("events", "metrics")),
                new OwnBuckets.OwnBucket(
                    "initech",
                    "initech-own",
                    S3Settings.compatible(
                        s3.endpoint(), s3.region(), s3.accessKey(), "not-the-secret"),
                    Set.of("events")));

    List<TableReport> reports;
    try (Maintainer maintainer =
        new Maintainer(
            CompactionIT.config(dir.toUri(), S3Settings.aws()).ownBuckets(registered).build())) {
      reports = maintainer.runOnce();
    }

    Map<String, TableReport> byProject =
        reports.stream().collect(Collectors.toMap(TableReport::project, Function.identity()));
    // acme's metrics table is registered but was never created: nothing to maintain
    assertThat(byProject).containsOnlyKeys("globex", "acme", "initech");

    TableReport own = byProject.get("acme");
    assertThat(own.failed()).as(own.summary()).isFalse();
    assertThat(own.bucket()).contains("acme-own");
    assertThat(own.summary()).startsWith("acme/events (bucket acme-own): files 30 → ");
    assertThat(own.filesRewritten()).isEqualTo(30);
    assertThat(acme.livePaths()).hasSizeLessThan(30);
    assertThat(acme.readIds()).doesNotHaveDuplicates().hasSameElementsAs(acme.allIds());
    assertThat(acme.allIds()).hasSize(30 * 40);
    CompactionIT.assertFilesSortedByKey(acme);

    TableReport warehouse = byProject.get("globex");
    assertThat(warehouse.failed()).as(warehouse.summary()).isFalse();
    assertThat(warehouse.bucket()).isEmpty();
    assertThat(warehouse.filesRewritten()).isEqualTo(12);
    assertThat(globex.readIds()).doesNotHaveDuplicates().hasSameElementsAs(globex.allIds());

    TableReport refused = byProject.get("initech");
    assertThat(refused.failed()).isTrue();
    assertThat(refused.summary())
        .startsWith("initech/events (bucket initech-own): ")
        .contains("s3a://initech-own/projects/initech/events");
  }
}
