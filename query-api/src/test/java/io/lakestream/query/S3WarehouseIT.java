package io.lakestream.query;

import io.lakestream.storage.S3Settings;
import io.lakestream.testkit.EmbeddedS3Extension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link WarehouseContract} on an {@code s3://} warehouse served by S3Proxy, read through s3a. */
class S3WarehouseIT extends WarehouseContract {
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  @Override
  QueryConfig.Builder warehouse() {
    s3.createBucket("lake");
    return QueryConfig.builder()
        .warehouse("s3://lake/warehouse")
        .s3(S3Settings.compatible(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()));
  }

  @Override
  int rowsPerFile() {
    return 200;
  }
}
