package io.lakestream.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** The configuration Standalone's log objects get: what Lakestream set, not Hadoop's defaults. */
class DeltaLogConfTest {

  @Test
  void theLogsGetTheSettingsThatWereSetAndNoneOfHadoopsDefaults() {
    Configuration conf = new Configuration();
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
    conf.set("fs.s3a.bucket.acme.access.key", "key");
    conf.set("io.file.buffer.size", "65536"); // a default, set again: kept
    assertThat(conf.get("hadoop.security.authentication")).isEqualTo("simple"); // a default

    Configuration logs = DeltaLogConf.forTable(conf, new Path("file:/w/projects/acme/events"));

    assertThat(logs.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
    assertThat(logs.get("fs.s3a.bucket.acme.access.key")).isEqualTo("key");
    assertThat(logs.get("io.file.buffer.size")).isEqualTo("65536");
    assertThat(logs.get("hadoop.security.authentication")).isNull();
    assertThat(logs.size()).isLessThan(conf.size() / 10);
  }

  @Test
  void aFileSystemOutsideHadoopsCacheGetsTheWholeConfiguration() {
    Configuration conf = new Configuration();
    conf.setBoolean("fs.file.impl.disable.cache", true);

    Configuration logs = DeltaLogConf.forTable(conf, new Path("file:/w/projects/acme/events"));

    assertThat(logs).isSameAs(conf);
    assertThat(logs.get("hadoop.security.authentication")).isEqualTo("simple");
  }
}
