package io.lakestream.query;

import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes Hadoop's cached file systems after a test class that runs a writer: the writer configures
 * {@code fs.file.impl=RawLocalFileSystem}, which Hadoop caches for the whole JVM, and s3a (in later
 * test classes) needs the default {@code LocalFileSystem} there. Use with {@code @ExtendWith}.
 */
final class ClosesHadoopFileSystems implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    FileSystem.closeAll();
  }
}
