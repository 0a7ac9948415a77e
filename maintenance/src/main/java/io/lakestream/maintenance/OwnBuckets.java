package io.lakestream.maintenance;

import static java.util.Objects.requireNonNull;

import io.lakestream.storage.S3Settings;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The projects that keep their tables in a bucket of their own ({@code POST /register_project}):
 * maintenance works on {@code s3a://{bucket}/projects/{project}/{table}} for each registered table
 * type, beside the warehouse's tables. Read at every pass, so a project registered later is
 * maintained from the next one.
 */
@FunctionalInterface
public interface OwnBuckets {
  /** No project has a bucket of its own. */
  OwnBuckets NONE = List::of;

  /** Every project with its own bucket now. */
  List<OwnBucket> all();

  /**
   * A project's own bucket, with what reaches it.
   *
   * @param project the project
   * @param bucket the bucket its tables live in, under {@code projects/{project}/{table}/}
   * @param s3 the endpoint, region and credentials of the bucket (the secret in clear: {@link
   *     S3Settings#toString()} hides it)
   * @param tables the registered table types
   */
  record OwnBucket(String project, String bucket, S3Settings s3, Set<String> tables) {
    public OwnBucket {
      requireNonNull(project, "project is null");
      requireNonNull(bucket, "bucket is null");
      requireNonNull(s3, "s3 is null");
      tables = Set.copyOf(new TreeSet<>(tables));
    }
  }
}
