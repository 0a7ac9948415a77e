package io.lakestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.reader.QueryException;
import io.lakestream.testkit.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query sidecar's PostgreSQL protocol with {@code query.pg.tls.*}: pgJDBC with {@code
 * verify-full} against the test authority, a project token over SCRAM, plain text refused when TLS
 * is required; and bad TLS files stopping the start with the setting and the file named.
 */
class PgTlsIT {
  @TempDir static Path folder;
  static TestCertificates certificates;

  @BeforeAll
  static void makeCertificates() {
    certificates = TestCertificates.create(folder.resolve("tls"));
  }

  static QueryConfig.Builder sidecar() {
    return FeedFixtures.pollingSidecar(folder.resolve("warehouse"))
        .pgPort(0)
        .projectToken("acme", "acme-token");
  }

  static Connection connect(QueryRole role, String host, String... settings) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "acme");
    properties.setProperty("password", "acme-token");
    for (int i = 0; i < settings.length; i += 2) {
      properties.setProperty(settings[i], settings[i + 1]);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + role.pgPort() + "/lakestream", properties);
  }

  @Test
  void aProjectTokenRunsSqlOverVerifiedTlsAndPlainTextIsRefused() throws Exception {
    Files.createDirectories(folder.resolve("warehouse"));
    try (QueryRole role =
        QueryRole.start(
            sidecar()
                .pgTls(certificates.certificate(), certificates.key())
                .pgTlsRequired(true)
                .build(),
            new SimpleMeterRegistry())) {
      try (Connection c =
              connect(
                  role,
                  "localhost",
                  "sslmode",
                  "verify-full",
                  "sslrootcert",
                  certificates.authority().toString());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 1 + 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(2);
      }
      assertThatThrownBy(() -> connect(role, "127.0.0.1", "sslmode", "disable"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"))
          .hasMessageContaining("TLS is required");
    }
  }

  @Test
  void aMissingCertificateFileStopsTheStartNamingTheSettingAndTheFile() {
    Path missing = folder.resolve("no-such-cert.pem");
    assertThatThrownBy(
            () ->
                QueryRole.start(
                    sidecar().pgTls(missing, certificates.key()).build(),
                    new SimpleMeterRegistry()))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "Invalid query configuration 'query.pg.tls.cert': cannot read the certificate file "
                + missing
                + ": no such file.");
  }

  @Test
  void aKeyOfAnotherCertificateStopsTheStart() {
    TestCertificates others = TestCertificates.create(folder.resolve("others"));
    assertThatThrownBy(
            () ->
                QueryRole.start(
                    sidecar().pgTls(certificates.certificate(), others.key()).build(),
                    new SimpleMeterRegistry()))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "Invalid query configuration 'query.pg.tls.key': "
                + others.key()
                + " does not go with "
                + certificates.certificate()
                + ": the private key does not belong to the certificate CN=localhost (the first of"
                + " the chain): give the key the certificate was made for.");
  }

  @Test
  void aCertificateWithoutKeyOrRequiredWithoutCertificateIsRefused() {
    assertThatThrownBy(() -> sidecar().pgTls(certificates.certificate(), null).build())
        .hasMessage(
            "Invalid query configuration 'query.pg.tls.key': query.pg.tls.cert is set to "
                + certificates.certificate()
                + ": give its private key too (a PEM file, PKCS#8).");
    assertThatThrownBy(() -> sidecar().pgTlsRequired(true).build())
        .hasMessage(
            "Invalid query configuration 'query.pg.tls.required': TLS cannot be required without"
                + " a certificate: set query.pg.tls.cert and query.pg.tls.key.");
  }
}
