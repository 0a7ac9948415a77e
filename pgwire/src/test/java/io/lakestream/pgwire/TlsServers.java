package io.lakestream.pgwire;

import io.lakestream.testkit.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Three servers over one {@link FakeBackend}, for the TLS tests: one offering TLS, one requiring
 * it, one without it, the first two with a certificate of a test authority made in a temporary
 * folder. Registered in a test class ({@code @RegisterExtension static final TlsServers tls = new
 * TlsServers(16);}), they start before its tests and stop, and the folder is deleted, after them.
 */
final class TlsServers implements BeforeAllCallback, AfterAllCallback {
  private final int maxConnections;
  private Path folder;
  private TestCertificates certificates;
  private List<X509Certificate> chain;
  private PrivateKey key;
  private PgServer offered;
  private PgServer required;
  private PgServer plain;

  /** Servers that take up to {@code maxConnections} connections each. */
  TlsServers(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    folder = Files.createTempDirectory("lakestream-tls-servers");
    certificates = TestCertificates.create(folder);
    chain = PgTls.readCertificateChain(certificates.certificate());
    key = PgTls.readPrivateKey(certificates.key());
    FakeBackend backend = new FakeBackend();
    PgServer.Options options =
        new PgServer.Options("127.0.0.1", 0, PgAuthentication.SCRAM_SHA_256, maxConnections);
    offered = PgServer.start(options.withTls(PgTls.offered(chain, key)), backend);
    required = PgServer.start(options.withTls(PgTls.required(chain, key)), backend);
    plain = PgServer.start(options, backend);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (PgServer server : new PgServer[] {offered, required, plain}) {
      if (server != null) {
        server.close();
      }
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + folder, e);
    }
  }

  /** The PEM files of the servers' certificate, key and authority. */
  TestCertificates certificates() {
    return certificates;
  }

  /** The servers' certificate chain: the server's, then the authority's. */
  List<X509Certificate> chain() {
    return chain;
  }

  /** The servers' private key. */
  PrivateKey key() {
    return key;
  }

  /** The server that offers TLS and takes plain text too. */
  PgServer offered() {
    return offered;
  }

  /** The server that refuses connections without TLS. */
  PgServer required() {
    return required;
  }

  /** The server without TLS. */
  PgServer plain() {
    return plain;
  }
}
