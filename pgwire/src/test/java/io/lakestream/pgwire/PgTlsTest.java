package io.lakestream.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.testkit.TestCertificates;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the PostgreSQL protocol as pgJDBC uses it: {@code sslmode=require} and {@code verify-full}
 * with the test authority, SCRAM and a query over TLS, PostgreSQL 17's direct TLS, a server that
 * requires TLS refusing plain text, and a server without TLS answering "no"; and the PEM files an
 * operator gives, with the errors of bad ones.
 */
class PgTlsTest {
  @RegisterExtension static final TlsServers tls = new TlsServers(16);
  @TempDir static Path folder;

  static Connection connect(PgServer server, String host, String... settings) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "acme");
    properties.setProperty("password", "acme-secret");
    properties.setProperty("connectTimeout", "10");
    for (int i = 0; i < settings.length; i += 2) {
      properties.setProperty(settings[i], settings[i + 1]);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + server.port() + "/lakestream", properties);
  }

  /** The principal the backend authenticated, read with a query over the connection. */
  static String principal(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("select principal")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @Test
  void requireConnectsAuthenticatesWithScramAndQueriesOverTls() throws SQLException {
    try (Connection c = connect(tls.offered(), "127.0.0.1", "sslmode", "require")) {
      assertThat(principal(c)).isEqualTo("acme");
    }
  }

  @Test
  void verifyFullChecksTheCertificateAgainstTheAuthorityAndTheHostName() throws SQLException {
    for (String host : List.of("localhost", "127.0.0.1")) {
      try (Connection c =
          connect(
              tls.offered(),
              host,
              "sslmode",
              "verify-full",
              "sslrootcert",
              tls.certificates().authority().toString())) {
        assertThat(principal(c)).isEqualTo("acme");
      }
    }
  }

  @Test
  void verifyFullRefusesTheServerWhenAnotherAuthorityIsTrusted() {
    Path other = TestCertificates.otherAuthority(folder.resolve("other"));
    assertThatThrownBy(
            () ->
                connect(
                    tls.offered(),
                    "localhost",
                    "sslmode",
                    "verify-full",
                    "sslrootcert",
                    other.toString()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("SSL error")
        .hasStackTraceContaining("unable to find valid certification path");
  }

  @Test
  void directTlsOfPostgres17ClientsIsServed() throws SQLException {
    try (Connection c =
        connect(tls.offered(), "127.0.0.1", "sslmode", "require", "sslNegotiation", "direct")) {
      assertThat(principal(c)).isEqualTo("acme");
    }
  }

  @Test
  void aServerThatRequiresTlsRefusesPlainTextWithSqlState28000() throws SQLException {
    assertThatThrownBy(() -> connect(tls.required(), "127.0.0.1", "sslmode", "disable"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"))
        .hasMessageContaining(
            "FATAL: TLS is required: this server refuses connections without encryption");
    try (Connection c = connect(tls.required(), "127.0.0.1", "sslmode", "require")) {
      assertThat(principal(c)).isEqualTo("acme");
    }
    try (Connection c = connect(tls.required(), "127.0.0.1", "sslmode", "prefer")) {
      assertThat(principal(c)).isEqualTo("acme");
    }
  }

  @Test
  void withoutTlsRequireFailsAndPreferConnectsInPlainText() throws SQLException {
    assertThatThrownBy(() -> connect(tls.plain(), "127.0.0.1", "sslmode", "require"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("The server does not support SSL");
    try (Connection c = connect(tls.plain(), "127.0.0.1", "sslmode", "prefer")) {
      assertThat(principal(c)).isEqualTo("acme");
    }
    assertThatThrownBy(
            () ->
                connect(tls.plain(), "127.0.0.1", "sslmode", "require", "sslNegotiation", "direct"))
        .isInstanceOf(SQLException.class);
  }

  @Test
  void gssEncryptionIsAnsweredNoAndTlsYes() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", tls.offered().port())) {
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      out.writeInt(8);
      out.writeInt(80877104); // GSSENCRequest
      out.flush();
      assertThat((char) in.readByte()).isEqualTo('N');
      out.writeInt(8);
      out.writeInt(80877103); // SSLRequest
      out.flush();
      assertThat((char) in.readByte()).isEqualTo('S');
    }
  }

  @Test
  void directTlsWithoutTheAlpnProtocolIsRefused() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("authority", tls.chain().get(1));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", tls.offered().port())) {
      socket.startHandshake(); // at once, without an SSLRequest, and without ALPN
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      byte[] startup = "user\0acme\0\0".getBytes(StandardCharsets.UTF_8);
      out.writeInt(8 + startup.length);
      out.writeInt(196608);
      out.write(startup);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertThat((char) in.readByte()).isEqualTo('E');
      byte[] body = new byte[in.readInt() - 4];
      in.readFully(body);
      assertThat(new String(body, StandardCharsets.UTF_8))
          .contains("C08P01")
          .contains("received a direct TLS connection without the ALPN protocol \"postgresql\"");
    }
  }

  @Test
  void plainTextSentRightAfterTheSslRequestIsNotTakenAsEncrypted() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", tls.offered().port())) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(8);
      out.writeInt(80877103); // SSLRequest, then a startup message without waiting for the answer
      byte[] startup = "user\0acme\0\0".getBytes(StandardCharsets.UTF_8);
      out.writeInt(8 + startup.length);
      out.writeInt(196608);
      out.write(startup);
      // In one write, so that the startup message is there when the server reads the request (sent
      // in pieces, the server may answer before the rest arrives, as PostgreSQL does too).
      socket.getOutputStream().write(bytes.toByteArray());
      socket.getOutputStream().flush();
      assertThat(socket.getInputStream().read()).isEqualTo(-1); // closed, no 'S'
    }
  }

  // ---- the PEM files ----

  @Test
  void theCertificateFileHoldsTheChainServerFirst() {
    assertThat(tls.chain()).hasSize(2);
    assertThat(tls.chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    assertThat(tls.chain().get(1).getSubjectX500Principal().getName())
        .isEqualTo("CN=Lakestream test authority");
    assertThat(tls.key().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void aMissingOrWrongFileIsNamedInTheError() throws IOException {
    Path missing = folder.resolve("missing.pem");
    assertThatThrownBy(() -> PgTls.readCertificateChain(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot read the certificate file " + missing + ": no such file");
    assertThatThrownBy(() -> PgTls.readPrivateKey(missing))
        .hasMessage("cannot read the private key file " + missing + ": no such file");
    assertThatThrownBy(() -> PgTls.readCertificateChain(tls.certificates().key()))
        .hasMessage(
            tls.certificates().key()
                + " holds no PEM certificate (a block -----BEGIN CERTIFICATE-----)");
    assertThatThrownBy(() -> PgTls.readPrivateKey(tls.certificates().certificate()))
        .hasMessage(
            tls.certificates().certificate()
                + " holds no PEM private key (a block -----BEGIN PRIVATE KEY-----)");
    Path garbled = folder.resolve("garbled.pem");
    Files.writeString(
        garbled, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> PgTls.readCertificateChain(garbled))
        .hasMessageStartingWith(
            "certificate 1 of " + garbled + " is not a valid X.509 certificate");
  }

  @Test
  void anEncryptedOrSec1KeySaysHowToConvertIt() throws IOException {
    Path encrypted = folder.resolve("encrypted.key");
    Files.writeString(
        encrypted,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> PgTls.readPrivateKey(encrypted))
        .hasMessage(
            encrypted
                + " holds an encrypted private key: give it unencrypted (openssl pkcs8 -topk8"
                + " -nocrypt -in encrypted.key -out key.pem) and keep the file readable by this"
                + " process only");
    Path sec1 = folder.resolve("ec.key");
    Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    assertThatThrownBy(() -> PgTls.readPrivateKey(sec1))
        .hasMessageContaining("convert it to PKCS#8 with openssl pkcs8 -topk8 -nocrypt -in ec.key");
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsRefused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey other = generator.generateKeyPair().getPrivate();
    assertThatThrownBy(() -> PgTls.offered(tls.chain(), other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the private key does not belong to the certificate CN=localhost (the first of the"
                + " chain): give the key the certificate was made for");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    PrivateKey ecKey = ec.generateKeyPair().getPrivate();
    assertThatThrownBy(() -> PgTls.required(tls.chain(), ecKey))
        .hasMessageStartingWith("the private key does not belong to the certificate CN=localhost");
  }

  @Test
  void aPkcs1RsaKeyIsReadAsThePkcs8One() throws IOException {
    byte[] pkcs8 = tls.key().getEncoded();
    Path pkcs1 = folder.resolve("rsa.key");
    Files.writeString(pkcs1, TestCertificates.pem("RSA PRIVATE KEY", innerKey(pkcs8)));
    assertThat(PgTls.readPrivateKey(pkcs1).getEncoded()).isEqualTo(pkcs8);
  }

  /** The PKCS#1 key inside an RSA PKCS#8 one: the OCTET STRING after version and algorithm. */
  static byte[] innerKey(byte[] pkcs8) {
    int at = 1 + lengthOfLength(pkcs8, 1); // SEQUENCE
    at += 3 + 15; // INTEGER 0, AlgorithmIdentifier rsaEncryption
    assertThat(pkcs8[at]).isEqualTo((byte) 0x04);
    int lengthBytes = lengthOfLength(pkcs8, at + 1);
    return Arrays.copyOfRange(pkcs8, at + 1 + lengthBytes, pkcs8.length);
  }

  private static int lengthOfLength(byte[] der, int at) {
    return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
  }
}
