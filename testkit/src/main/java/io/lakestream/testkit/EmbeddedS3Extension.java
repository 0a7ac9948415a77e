package io.lakestream.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an {@link EmbeddedS3} before a test class and stops it after.
 *
 * <pre>
 * &#64;RegisterExtension static EmbeddedS3Extension s3 = new EmbeddedS3Extension();
 * ... s3.endpoint() ...
 * </pre>
 */
public final class EmbeddedS3Extension implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedS3 s3;

  @Override
  public void beforeAll(ExtensionContext context) {
    s3 = EmbeddedS3.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (s3 != null) {
      s3.close();
      s3 = null;
    }
  }

  /** The running server; only between beforeAll and afterAll. */
  public EmbeddedS3 s3() {
    if (s3 == null) {
      throw new IllegalStateException("The S3 server runs only while the test class runs");
    }
    return s3;
  }

  /** {@code http://127.0.0.1:<port>} of the running server. */
  public String endpoint() {
    return s3().endpoint();
  }

  /** The access key clients use. */
  public String accessKey() {
    return EmbeddedS3.ACCESS_KEY;
  }

  /** The secret key clients use. */
  public String secretKey() {
    return EmbeddedS3.SECRET_KEY;
  }

  /** The region clients name. */
  public String region() {
    return EmbeddedS3.REGION;
  }

  /**
   * The GET Object requests served for objects of {@code bucket} so far: see {@link EmbeddedS3}.
   */
  public long objectGets(String bucket) {
    return s3().objectGets(bucket);
  }

  /** The bytes of the GET Object responses for objects of {@code bucket} so far. */
  public long objectBytesServed(String bucket) {
    return s3().objectBytesServed(bucket);
  }

  /** Creates a bucket if it does not exist. */
  public void createBucket(String bucket) {
    s3().createBucket(bucket);
  }
}
