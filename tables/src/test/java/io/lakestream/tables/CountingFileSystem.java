package io.lakestream.tables;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The local file system, counting requests (list, open, status; on S3 each is one or more LIST, GET
 * or HEAD), in all and per table folder for those that touch a table's {@code _delta_log}: what a
 * Delta log read costs on S3. Install it for {@code file:} paths with {@link #install}.
 */
public final class CountingFileSystem extends LocalFileSystem {
  private static final Map<String, AtomicLong> LOG_REQUESTS = new ConcurrentHashMap<>();
  private static final AtomicLong ALL_REQUESTS = new AtomicLong();
  private static final String LOG_FOLDER = "/_delta_log";

  /** Makes {@code conf} reach {@code file:} paths through a new, counting file system. */
  public static Configuration install(Configuration conf) {
    conf.setClass("fs.file.impl", CountingFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  /** Requests to {@code _delta_log} folders since the last {@link #reset}, per table folder. */
  public static Map<String, Long> logRequests() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    LOG_REQUESTS.forEach((table, count) -> counts.put(table, count.get()));
    return counts;
  }

  /** Every request (logs, listings, data files) since the last {@link #reset}. */
  public static long allRequests() {
    return ALL_REQUESTS.get();
  }

  /** Forgets the counts. */
  public static void reset() {
    LOG_REQUESTS.clear();
    ALL_REQUESTS.set(0);
  }

  private static void count(Path path) {
    ALL_REQUESTS.incrementAndGet();
    String text = path.toUri().getPath();
    int at = text.indexOf(LOG_FOLDER);
    if (at >= 0) {
      LOG_REQUESTS.computeIfAbsent(text.substring(0, at), t -> new AtomicLong()).incrementAndGet();
    }
  }

  @Override
  public FileStatus[] listStatus(Path path) throws IOException {
    count(path);
    return super.listStatus(path);
  }

  @Override
  public FSDataInputStream open(Path path, int bufferSize) throws IOException {
    count(path);
    return super.open(path, bufferSize);
  }

  @Override
  public FSDataInputStream open(Path path) throws IOException {
    count(path);
    return super.open(path);
  }

  @Override
  public FileStatus getFileStatus(Path path) throws IOException {
    count(path);
    return super.getFileStatus(path);
  }
}
