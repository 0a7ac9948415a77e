package io.lakestream.query.spi;

/** Checks that a bucket is reachable with given credentials, before a project is registered. */
@FunctionalInterface
public interface BucketValidator {
  /**
   * Returns when the bucket exists and the credentials may access it.
   *
   * @throws BucketUnreachableException saying why not (never containing the secret)
   */
  void check(String endpoint, String region, String bucket, String accessKey, String secretKey);

  /** The bucket is missing, the credentials are refused, or the endpoint does not answer. */
  final class BucketUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BucketUnreachableException(String reason) {
      super(reason);
    }
  }
}
