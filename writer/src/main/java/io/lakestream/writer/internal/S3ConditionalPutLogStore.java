package io.lakestream.writer.internal;

import io.delta.storage.CloseableIterator;
import io.delta.storage.HadoopFileSystemLogStore;
import io.lakestream.storage.HadoopWarehouse;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A Delta log store for S3 that is safe with several writers: each commit file is created with a
 * conditional PUT ({@code If-None-Match: *}), so of two writers creating version N exactly one
 * succeeds; the other gets {@link FileAlreadyExistsException} and Delta's optimistic concurrency
 * takes over (re-reads the log, checks for conflicts, retries at N+1 or fails).
 *
 * <p>Plugged into Delta Standalone through the Hadoop configuration key {@code
 * delta.logStore.s3a.impl} (set by {@link Warehouse#of}); S3 settings come from the same {@code
 * fs.s3a.*} keys s3a uses, a bucket's own {@code fs.s3a.bucket.<bucket>.*} keys first. Reads and
 * listings go through the AWS SDK too ({@code ListObjectsV2} with {@code start-after}, so listing a
 * long log stays cheap).
 *
 * <p>Works on AWS S3 (conditional writes, since 2024), MinIO and S3Proxy. A 409 (a concurrent
 * conditional write in flight) is retried; a 412 means the version exists.
 */
public final class S3ConditionalPutLogStore extends HadoopFileSystemLogStore {
  private static final Logger log = LoggerFactory.getLogger(S3ConditionalPutLogStore.class);
  private static final Map<ClientSettings, S3Client> CLIENTS = new ConcurrentHashMap<>();
  private static final int CONFLICT_RETRIES = 5;

  public S3ConditionalPutLogStore(Configuration initHadoopConf) {
    super(initHadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf)
      throws IOException {
    Location location = Location.of(path);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (actions.hasNext()) {
      body.write(actions.next().getBytes(StandardCharsets.UTF_8));
      body.write('\n');
    }
    byte[] bytes = body.toByteArray();
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(location.bucket())
            .key(location.key())
            .contentType("application/json");
    if (!overwrite) {
      request.ifNoneMatch("*");
    }
    S3Client client = client(conf, location.bucket());
    for (int attempt = 1; ; attempt++) {
      try {
        client.putObject(request.build(), RequestBody.fromBytes(bytes));
        return;
      } catch (S3Exception e) {
        if (e.statusCode() == 412) {
          throw new FileAlreadyExistsException(path.toString());
        }
        if (e.statusCode() == 409 && attempt < CONFLICT_RETRIES) {
          log.debug("Concurrent conditional write to {}, retrying", path);
          continue;
        }
        throw new IOException("Cannot write Delta log entry " + path + ": " + e.getMessage(), e);
      } catch (SdkException e) {
        throw new IOException("Cannot write Delta log entry " + path + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public CloseableIterator<String> read(Path path, Configuration conf) throws IOException {
    Location location = Location.of(path);
    List<String> lines = new ArrayList<>();
    try (ResponseInputStream<GetObjectResponse> in =
            client(conf, location.bucket())
                .getObject(b -> b.bucket(location.bucket()).key(location.key()));
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
    } catch (NoSuchKeyException e) {
      throw new FileNotFoundException(path.toString());
    } catch (SdkException e) {
      throw new IOException("Cannot read Delta log entry " + path + ": " + e.getMessage(), e);
    }
    return new ListIterator(lines);
  }

  @Override
  public Iterator<FileStatus> listFrom(Path path, Configuration conf) throws IOException {
    Location location = Location.of(path);
    int slash = location.key().lastIndexOf('/');
    String folder = slash < 0 ? "" : location.key().substring(0, slash + 1);
    String name = path.getName();
    // start-after is exclusive: start just before `name` so that `name` itself is listed.
    String startAfter = folder + name.substring(0, name.length() - 1);
    List<FileStatus> files = new ArrayList<>();
    String scheme = path.toUri().getScheme();
    try {
      ListObjectsV2Request.Builder request =
          ListObjectsV2Request.builder()
              .bucket(location.bucket())
              .prefix(folder)
              .delimiter("/")
              .startAfter(startAfter);
      boolean anyObject = false;
      String token = null;
      do {
        ListObjectsV2Response response =
            client(conf, location.bucket()).listObjectsV2(request.continuationToken(token).build());
        for (S3Object object : response.contents()) {
          anyObject = true;
          String objectName = object.key().substring(folder.length());
          if (objectName.isEmpty() || objectName.compareTo(name) < 0) {
            continue;
          }
          files.add(
              new FileStatus(
                  object.size(),
                  false,
                  1,
                  0,
                  object.lastModified().toEpochMilli(),
                  new Path(scheme + "://" + location.bucket() + "/" + object.key())));
        }
        token =
            Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
      } while (token != null);
      if (!anyObject && !folderExists(conf, location.bucket(), folder)) {
        throw new FileNotFoundException("No such Delta log folder: " + path.getParent());
      }
    } catch (SdkException e) {
      throw new IOException("Cannot list Delta log " + path.getParent() + ": " + e.getMessage(), e);
    }
    files.sort(Comparator.comparing(f -> f.getPath().getName()));
    return files.iterator();
  }

  private static boolean folderExists(Configuration conf, String bucket, String folder) {
    return !client(conf, bucket)
        .listObjectsV2(b -> b.bucket(bucket).prefix(folder).maxKeys(1))
        .contents()
        .isEmpty();
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration conf) {
    return false;
  }

  /**
   * The S3 client for {@code bucket} with the s3a settings of {@code conf} (the bucket's own {@code
   * fs.s3a.bucket.<bucket>.*} keys over the global {@code fs.s3a.*} ones), shared per settings.
   */
  static S3Client client(Configuration conf, String bucket) {
    return CLIENTS.computeIfAbsent(ClientSettings.of(conf, bucket), ClientSettings::newClient);
  }

  private record Location(String bucket, String key) {
    static Location of(Path path) {
      URI uri = path.toUri();
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("not an S3 path: " + path);
      }
      String key = uri.getPath();
      return new Location(uri.getHost(), key.startsWith("/") ? key.substring(1) : key);
    }
  }

  private record ClientSettings(
      String endpoint, String region, boolean pathStyle, String accessKey, String secretKey) {
    static ClientSettings of(Configuration conf, String bucket) {
      return new ClientSettings(
          HadoopWarehouse.s3aSetting(conf, bucket, "endpoint", ""),
          HadoopWarehouse.s3aSetting(conf, bucket, "endpoint.region", "us-east-1"),
          Boolean.parseBoolean(
              HadoopWarehouse.s3aSetting(conf, bucket, "path.style.access", "false")),
          HadoopWarehouse.s3aSetting(conf, bucket, "access.key", ""),
          HadoopWarehouse.s3aSetting(conf, bucket, "secret.key", ""));
    }

    S3Client newClient() {
      AwsCredentialsProvider credentials =
          accessKey.isEmpty()
              ? DefaultCredentialsProvider.builder().build()
              : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
      S3ClientBuilder builder =
          S3Client.builder()
              .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32))
              .region(Region.of(region))
              .forcePathStyle(pathStyle)
              .credentialsProvider(credentials)
              .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
              .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      if (!endpoint.isEmpty()) {
        builder.endpointOverride(
            URI.create(endpoint.contains("://") ? endpoint : "https://" + endpoint));
      }
      return builder.build();
    }

    @Override
    public String toString() {
      return "ClientSettings[" + endpoint + ", " + region + "]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ClientSettings other
          && endpoint.equals(other.endpoint)
          && region.equals(other.region)
          && pathStyle == other.pathStyle
          && accessKey.equals(other.accessKey)
          && secretKey.equals(other.secretKey);
    }

    @Override
    public int hashCode() {
      return Objects.hash(endpoint, region, pathStyle, accessKey);
    }
  }

  private static final class ListIterator implements CloseableIterator<String> {
    private final Iterator<String> lines;

    ListIterator(List<String> lines) {
      this.lines = lines.iterator();
    }

    @Override
    public boolean hasNext() {
      return lines.hasNext();
    }

    @Override
    public String next() {
      if (!lines.hasNext()) {
        throw new NoSuchElementException();
      }
      return lines.next();
    }

    @Override
    public void close() {}
  }
}
