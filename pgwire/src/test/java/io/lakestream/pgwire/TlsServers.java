package io.lakestream.pgwire;

import io.lakestream.testkit.TestCertificates;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Three servers over one backend, for the TLS tests: one offering TLS, one requiring it, one
 * without it, the first two with a certificate of a test authority made in {@code folder}.
 */
record TlsServers(
    TestCertificates certificates,
    List<X509Certificate> chain,
    PrivateKey key,
    PgServer offered,
    PgServer required,
    PgServer plain)
    implements AutoCloseable {

  static TlsServers start(Path folder, PgBackend backend, int maxConnections) {
    TestCertificates certificates = TestCertificates.create(folder);
    List<X509Certificate> chain = PgTls.readCertificateChain(certificates.certificate());
    PrivateKey key = PgTls.readPrivateKey(certificates.key());
    PgServer.Options options =
        new PgServer.Options("127.0.0.1", 0, PgAuthentication.SCRAM_SHA_256, maxConnections);
    PgServer offered = PgServer.start(options.withTls(PgTls.offered(chain, key)), backend);
    PgServer required = null;
    try {
      required = PgServer.start(options.withTls(PgTls.required(chain, key)), backend);
      return new TlsServers(
          certificates, chain, key, offered, required, PgServer.start(options, backend));
    } catch (RuntimeException e) {
      offered.close();
      if (required != null) {
        required.close();
      }
      throw e;
    }
  }

  @Override
  public void close() {
    offered.close();
    required.close();
    plain.close();
  }
}
