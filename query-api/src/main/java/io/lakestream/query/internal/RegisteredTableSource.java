package io.lakestream.query.internal;

import static java.util.Objects.requireNonNull;

import io.lakestream.query.spi.BucketRegistration;
import io.lakestream.reader.TableId;
import io.lakestream.storage.HadoopWarehouse;
import io.lakestream.storage.S3Settings;
import io.lakestream.tables.TableSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of projects that brought their own bucket: {@code
 * s3a://{bucket}/projects/{project}/{table}/} for each registered table type whose {@code
 * _delta_log} exists. The registration's endpoint and credentials go into the shared Hadoop
 * configuration as per-bucket s3a settings ({@code fs.s3a.bucket.<bucket>.*}) before the bucket is
 * first read; the secret is decrypted only there.
 */
public final class RegisteredTableSource implements TableSource {
  private static final Logger log = LoggerFactory.getLogger(RegisteredTableSource.class);

  private final ProjectRegistry projects;
  private final Configuration conf;
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  public RegisteredTableSource(ProjectRegistry projects, Configuration conf) {
    this.projects = requireNonNull(projects, "projects is null");
    this.conf = requireNonNull(conf, "conf is null");
  }

  @Override
  public List<TableLocation> discover() {
    return rediscover(Set.of());
  }

  /** As {@link #discover()}, without looking for the {@code _delta_log} of tables served. */
  @Override
  public List<TableLocation> rediscover(Set<TableId> served) {
    List<TableLocation> tables = new ArrayList<>();
    for (BucketRegistration registration : projects.all()) {
      try {
        configure(registration);
        for (String table : registration.tables()) {
          Path location = location(registration, table);
          TableId id = new TableId(registration.projectId(), table);
          if (served.contains(id)) {
            tables.add(new TableLocation(id, location.toString()));
            continue;
          }
          FileSystem fs = location.getFileSystem(conf);
          if (fs.exists(new Path(location, "_delta_log"))) {
            tables.add(new TableLocation(id, location.toString()));
          }
        }
        failing.remove(registration.projectId());
      } catch (IOException | RuntimeException e) {
        if (failing.add(registration.projectId())) {
          log.warn(
              "Cannot list the tables of project '{}' in bucket '{}' at {}: {}",
              registration.projectId(),
              registration.bucket(),
              registration.endpoint(),
              e.toString());
        }
      }
    }
    return tables;
  }

  @Override
  public Optional<TableLocation> locate(TableId id) {
    for (BucketRegistration registration : projects.all()) {
      if (registration.projectId().equals(id.project())
          && registration.tables().contains(id.table())) {
        try {
          configure(registration);
        } catch (RuntimeException e) {
          return Optional.empty();
        }
        return Optional.of(new TableLocation(id, location(registration, id.table()).toString()));
      }
    }
    return Optional.empty();
  }

  private static Path location(BucketRegistration registration, String table) {
    return new Path(
        "s3a://" + registration.bucket() + "/projects/" + registration.projectId() + "/" + table);
  }

  private void configure(BucketRegistration registration) {
    String prefix = "fs.s3a.bucket." + registration.bucket() + ".";
    if (registration.accessKey().equals(conf.get(prefix + "access.key"))
        && registration.endpoint().equals(conf.get(prefix + "endpoint"))) {
      return;
    }
    HadoopWarehouse.configureBucket(
        conf,
        registration.bucket(),
        S3Settings.compatible(
            registration.endpoint(),
            registration.region(),
            registration.accessKey(),
            projects.secretKey(registration)));
    conf.set(prefix + "input.fadvise", "random");
    conf.set(prefix + "experimental.input.fadvise", "random");
  }
}
