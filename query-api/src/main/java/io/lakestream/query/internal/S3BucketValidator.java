package io.lakestream.query.internal;

import io.lakestream.query.spi.BucketValidator;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link BucketValidator} by an AWS SDK v2 HeadBucket request, path-style, 10 s at most. Unless
 * private endpoints are allowed, the connection itself refuses private addresses ({@link
 * RegistrationEndpoints#isPrivate}), so a host name that resolves to a public address when checked
 * and to a private one when connecting is refused too.
 */
public final class S3BucketValidator implements BucketValidator {
  private final boolean allowPrivateEndpoints;

  /** A validator that connects to public addresses only. */
  public S3BucketValidator() {
    this(false);
  }

  /**
   * @param allowPrivateEndpoints whether loopback, link-local and private addresses may be
   *     contacted
   */
  public S3BucketValidator(boolean allowPrivateEndpoints) {
    this.allowPrivateEndpoints = allowPrivateEndpoints;
  }

  @Override
  public void check(
      String endpoint, String region, String bucket, String accessKey, String secretKey) {
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new BucketUnreachableException("the endpoint is not a URL");
    }
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(uri)
            .region(Region.of(region))
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .dnsResolver(this::resolve)
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(10)))
            .overrideConfiguration(
                c -> c.apiCallTimeout(Duration.ofSeconds(10)).retryStrategy(r -> r.maxAttempts(1)))
            .build()) {
      s3.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
    } catch (NoSuchBucketException e) {
      throw new BucketUnreachableException("the bucket does not exist (404)");
    } catch (S3Exception e) {
      throw new BucketUnreachableException(
          switch (e.statusCode()) {
            case 403 -> "access denied (403): check the access key and secret key";
            case 404 -> "the bucket does not exist (404)";
            default -> "the endpoint answered " + e.statusCode();
          });
    } catch (SdkClientException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new BucketUnreachableException(
          "no answer: "
              + root.getClass().getSimpleName()
              + (root.getMessage() == null ? "" : " " + root.getMessage()));
    } catch (IllegalArgumentException e) {
      throw new BucketUnreachableException("invalid bucket or region: " + e.getMessage());
    }
  }

  private InetAddress[] resolve(String host) throws UnknownHostException {
    InetAddress[] addresses = InetAddress.getAllByName(host);
    if (!allowPrivateEndpoints) {
      for (InetAddress address : addresses) {
        if (RegistrationEndpoints.isPrivate(address)) {
          throw new UnknownHostException(host + " resolves to a private address");
        }
      }
    }
    return addresses;
  }
}
