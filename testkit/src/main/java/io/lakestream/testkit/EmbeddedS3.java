package io.lakestream.testkit;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A real S3 API server in this process (S3Proxy over a folder), with fixed credentials.
 *
 * <p>Path-style requests only: clients set path-style access and region {@value #REGION}. Closing
 * stops the server's threads and deletes a temporary folder. The server counts the GET Object
 * requests it serves, per bucket ({@link #objectGets}), as a store bills them.
 */
public final class EmbeddedS3 implements AutoCloseable {
  /** The access key every client uses. */
  public static final String ACCESS_KEY = "lakestream";

  /** The secret key every client uses. */
  public static final String SECRET_KEY = "lakestream-secret";

  /** The region clients should name. */
  public static final String REGION = "us-east-1";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);

  private final S3Proxy proxy;
  private final CountingBlobStore blobStore;
  private final Path dataDir;
  private final boolean temporary;

  private EmbeddedS3(S3Proxy proxy, CountingBlobStore blobStore, Path dataDir, boolean temporary) {
    this.proxy = proxy;
    this.blobStore = blobStore;
    this.dataDir = dataDir;
    this.temporary = temporary;
  }

  /** Starts a server on a free port over a temporary folder. */
  public static EmbeddedS3 start() {
    return builder().start();
  }

  /** A builder for a server with a chosen port or folder. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** The port the server listens on. */
  public int port() {
    return proxy.getPort();
  }

  /** The access key clients use. */
  public String accessKey() {
    return ACCESS_KEY;
  }

  /** The secret key clients use. */
  public String secretKey() {
    return SECRET_KEY;
  }

  /** The region clients name. */
  public String region() {
    return REGION;
  }

  /** The folder the buckets live in. */
  public Path dataDir() {
    return dataDir;
  }

  /** Creates a bucket if it does not exist. */
  public void createBucket(String bucket) {
    if (!blobStore.containerExists(bucket)) {
      blobStore.createContainer(bucket);
    }
  }

  /**
   * The GET Object requests (whole or ranged) the server has served for objects of {@code bucket}
   * since it started, failed ones included.
   */
  public long objectGets(String bucket) {
    LongAdder gets = blobStore.gets.get(bucket);
    return gets == null ? 0 : gets.sum();
  }

  /** The bytes of the GET Object responses counted by {@link #objectGets}. */
  public long objectBytesServed(String bucket) {
    LongAdder served = blobStore.bytes.get(bucket);
    return served == null ? 0 : served.sum();
  }

  /** Stops the server; deletes a temporary folder. */
  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop the embedded S3 server", e);
    } finally {
      blobStore.close();
      if (temporary) {
        TempDirs.deleteQuietly(dataDir);
      }
    }
  }

  /** Settings for an {@link EmbeddedS3}. */
  public static final class Builder {
    private int port;
    private Path dataDir;

    private Builder() {}

    /** The port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The folder that holds the buckets; default a temporary folder. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Starts the server and waits until it serves. */
    public EmbeddedS3 start() {
      boolean temporary = dataDir == null;
      Path dir = temporary ? TempDirs.create("lakestream-s3-") : dataDir;
      CountingBlobStore blobStore = null;
      S3Proxy proxy = null;
      try {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        blobStore = new CountingBlobStore(BlobStores.create("filesystem", props));
        proxy =
            S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"STARTED".equals(proxy.getState())) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("S3Proxy did not start within 30 s");
          }
          Thread.onSpinWait();
        }
        EmbeddedS3 s3 = new EmbeddedS3(proxy, blobStore, dir, temporary);
        log.info("S3 API server serving at {}, data in {}", s3.endpoint(), dir);
        return s3;
      } catch (Exception e) {
        if (proxy != null) {
          try {
            proxy.stop();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        if (blobStore != null) {
          blobStore.close();
        }
        if (temporary) {
          TempDirs.deleteQuietly(dir);
        }
        throw new IllegalStateException("Cannot start the embedded S3 server in " + dir, e);
      }
    }
  }

  /** The blob store, counting the GET Object requests it serves per bucket. */
  private static final class CountingBlobStore extends ForwardingBlobStore {
    final ConcurrentHashMap<String, LongAdder> gets = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, LongAdder> bytes = new ConcurrentHashMap<>();

    CountingBlobStore(BlobStore delegate) {
      super(delegate);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
      gets.computeIfAbsent(request.bucket(), bucket -> new LongAdder()).increment();
      ResponseInputStream<GetObjectResponse> response = super.getBlob(request);
      Long length = response.response().contentLength();
      if (length != null) {
        bytes.computeIfAbsent(request.bucket(), bucket -> new LongAdder()).add(length);
      }
      return response;
    }
  }
}
