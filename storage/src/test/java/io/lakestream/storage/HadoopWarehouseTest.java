package io.lakestream.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class HadoopWarehouseTest {

  @Test
  void rootsOfLocalAndS3Warehouses() {
    assertThat(HadoopWarehouse.root(URI.create("file:///data/warehouse/")).toString())
        .isEqualTo("file:/data/warehouse");
    assertThat(HadoopWarehouse.root(URI.create("s3://lake/prefix/")).toString())
        .isEqualTo("s3a://lake/prefix");
    assertThat(HadoopWarehouse.root(URI.create("s3a://lake")).toString()).isEqualTo("s3a://lake");
    assertThatThrownBy(() -> HadoopWarehouse.root(URI.create("s3:///prefix")))
        .hasMessage("name a bucket, as in s3://bucket/prefix (got s3:///prefix)");
  }

  @Test
  void s3SettingsBecomeS3aKeys() {
    Configuration conf = new Configuration(false);
    HadoopWarehouse.configureS3(
        conf, S3Settings.compatible("http://127.0.0.1:9000", "us-east-1", "ak", "sk"));
    assertThat(conf.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
    assertThat(conf.getBoolean("fs.s3a.connection.ssl.enabled", true)).isFalse();
    assertThat(conf.getBoolean("fs.s3a.path.style.access", false)).isTrue();
    assertThat(conf.get("fs.s3a.access.key")).isEqualTo("ak");
    assertThat(conf.get("fs.s3a.secret.key")).isEqualTo("sk");
  }

  @Test
  void halfACredentialIsRefusedAndTheSecretNeverPrinted() {
    assertThatThrownBy(
            () ->
                new S3Settings(
                    java.util.Optional.empty(),
                    "us-east-1",
                    false,
                    java.util.Optional.of("ak"),
                    java.util.Optional.empty()))
        .hasMessage(
            "Invalid S3 settings: give both the access key and the secret key, or neither.");
    assertThat(S3Settings.compatible("http://e", "r", "ak", "topsecret").toString())
        .doesNotContain("topsecret");
  }
}
