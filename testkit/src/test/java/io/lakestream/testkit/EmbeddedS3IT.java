package io.lakestream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

class EmbeddedS3IT {
  @RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();

  @Test
  void storesAndReturnsObjects() {
    s3.createBucket("lake");
    try (S3Client client = client()) {
      client.putObject(b -> b.bucket("lake").key("a/b.txt"), RequestBody.fromString("hello"));
      String read =
          client
              .getObjectAsBytes(b -> b.bucket("lake").key("a/b.txt"))
              .asString(StandardCharsets.UTF_8);
      assertThat(read).isEqualTo("hello");
    }
  }

  @Test
  void conditionalPutRefusesASecondCreate() {
    s3.createBucket("lake");
    try (S3Client client = client()) {
      PutObjectRequest create =
          PutObjectRequest.builder()
              .bucket("lake")
              .key("_delta_log/0.json")
              .ifNoneMatch("*")
              .build();
      client.putObject(create, RequestBody.fromString("first"));
      assertThatThrownBy(() -> client.putObject(create, RequestBody.fromString("second")))
          .isInstanceOfSatisfying(
              S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    }
  }

  private static S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(s3.endpoint()))
        .region(Region.of(s3.region()))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .build();
  }
}
