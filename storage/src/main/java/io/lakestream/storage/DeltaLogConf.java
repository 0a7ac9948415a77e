package io.lakestream.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The Hadoop configuration to make a Delta Standalone log object ({@code DeltaLog.forTable}) with,
 * for the sidecar and maintenance: the settings Lakestream made, not Hadoop's ~380 defaults.
 * Setting a log object up matches every key of its configuration against its log store's patterns
 * ({@code LogStoreProvider}): about 40 % of loading a table's log with the defaults (a sidecar
 * starting with 1,000 tables; benchmarks.md).
 */
public final class DeltaLogConf {
  private DeltaLogConf() {}

  /**
   * The configuration for the log object of the table at {@code table}: the settings of {@code
   * conf} that were set, without Hadoop's defaults, when the table's file system is Hadoop's cached
   * one, which is made here with the whole of {@code conf} first, so that the log reads and writes
   * through a file system with every setting; {@code conf} itself when that file system is not
   * cached ({@code fs.<scheme>.impl.disable.cache}), as the log then makes its own.
   *
   * @throws UncheckedIOException when the table's file system cannot be made
   */
  public static Configuration forTable(Configuration conf, Path table) {
    requireNonNull(conf, "conf is null");
    requireNonNull(table, "table is null");
    String scheme = table.toUri().getScheme();
    if (conf.getBoolean("fs." + scheme + ".impl.disable.cache", false)) {
      return conf;
    }
    try {
      table.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot reach the file system of " + table + ": " + e.getMessage(), e);
    }
    return withoutDefaults(conf);
  }

  /**
   * The settings of {@code conf} that were set, without Hadoop's defaults ({@code *-default.xml}).
   */
  static Configuration withoutDefaults(Configuration conf) {
    Configuration set = new Configuration(false);
    for (Map.Entry<String, String> entry : conf) {
      String[] sources = conf.getPropertySources(entry.getKey());
      boolean byDefault =
          sources != null && sources.length > 0 && sources[0].endsWith("-default.xml");
      if (!byDefault) {
        set.set(entry.getKey(), entry.getValue());
      }
    }
    return set;
  }
}
