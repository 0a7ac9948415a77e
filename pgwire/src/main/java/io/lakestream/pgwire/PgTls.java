package io.lakestream.pgwire;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS for the PostgreSQL protocol: the server's certificate chain and private key, and whether
 * clients must use it. Read the files with {@link #readCertificateChain} and {@link
 * #readPrivateKey} (PEM, as PostgreSQL's {@code ssl_cert_file} and {@code ssl_key_file}), then make
 * one with {@link #offered} or {@link #required}.
 *
 * <p>A client asks with an {@code SSLRequest} and is answered {@code 'S'}, then the TLS handshake
 * runs on the same socket (TLS 1.2 or 1.3); a PostgreSQL 17 client may also start with the TLS
 * handshake at once ({@code sslnegotiation=direct}), which must then name the ALPN protocol {@code
 * postgresql}.
 */
public final class PgTls {
  /** The ALPN protocol name of PostgreSQL (required for direct TLS, offered always). */
  static final String ALPN_PROTOCOL = "postgresql";

  private static final Pattern PEM_BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----",
          Pattern.DOTALL);
  private static final char[] IN_MEMORY_PASSWORD = "lakestream".toCharArray();
  private static final List<String> KEY_ALGORITHMS =
      List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

  private final SSLContext context;
  private final boolean required;
  private final String subject;

  private PgTls(SSLContext context, boolean required, String subject) {
    this.context = context;
    this.required = required;
    this.subject = subject;
  }

  /**
   * TLS offered to clients that ask for it; clients that do not are served in plain text.
   *
   * @param chain the server's certificate first, then the certificates that issued it
   * @param key the private key of the first certificate
   * @throws IllegalArgumentException when the key does not belong to the certificate
   */
  public static PgTls offered(List<X509Certificate> chain, PrivateKey key) {
    return create(chain, key, false);
  }

  /**
   * TLS required: a client that sends its startup message in plain text is refused with SQLSTATE
   * 28000 (cancel requests are still taken in plain text, as PostgreSQL takes them).
   *
   * @throws IllegalArgumentException when the key does not belong to the certificate
   */
  public static PgTls required(List<X509Certificate> chain, PrivateKey key) {
    return create(chain, key, true);
  }

  /** Whether clients must use TLS. */
  public boolean isRequired() {
    return required;
  }

  @Override
  public String toString() {
    return "TLS " + (required ? "required" : "offered") + " (" + subject + ")";
  }

  private static PgTls create(List<X509Certificate> chain, PrivateKey key, boolean required) {
    requireNonNull(chain, "chain is null");
    requireNonNull(key, "key is null");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the certificate chain is empty");
    }
    X509Certificate certificate = chain.get(0);
    String subject = certificate.getSubjectX500Principal().getName();
    if (!belongTogether(key, certificate.getPublicKey())) {
      throw new IllegalArgumentException(
          "the private key does not belong to the certificate "
              + subject
              + " (the first of the chain): give the key the certificate was made for");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, IN_MEMORY_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, new SecureRandom());
      return new PgTls(context, required, subject);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "the certificate and key cannot serve TLS: " + e.getMessage(), e);
    }
  }

  /** Whether the private key signs what the public key verifies. */
  private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())
        && !(key.getAlgorithm().startsWith("Ed") && publicKey.getAlgorithm().startsWith("Ed"))) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "DSA" -> "SHA256withDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
    try {
      byte[] probe =
          "lakestream: does this key belong to this certificate?".getBytes(StandardCharsets.UTF_8);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * The certificates of a PEM file: the server's certificate first, then any that issued it.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no valid
   *     certificate
   */
  public static List<X509Certificate> readCertificateChain(Path file) {
    List<X509Certificate> chain = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
    }
    for (PemBlock block : readPem(file, "certificate")) {
      if (!block.type().equals("CERTIFICATE")) {
        continue;
      }
      try {
        chain.add(
            (X509Certificate)
                factory.generateCertificate(new ByteArrayInputStream(block.der(file))));
      } catch (CertificateException e) {
        throw new IllegalArgumentException(
            "certificate "
                + (chain.size() + 1)
                + " of "
                + file
                + " is not a valid X.509 certificate: "
                + e.getMessage());
      }
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          file + " holds no PEM certificate (a block -----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(chain);
  }

  /**
   * The private key of a PEM file: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}) of RSA, EC or
   * EdDSA, or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}).
   *
   * @throws IllegalArgumentException naming the file when it cannot be read, holds no such key, or
   *     holds an encrypted one
   */
  public static PrivateKey readPrivateKey(Path file) {
    List<PemBlock> blocks = readPem(file, "private key");
    for (PemBlock block : blocks) {
      switch (block.type()) {
        case "PRIVATE KEY" -> {
          return pkcs8(file, block.der(file));
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(file, Der.rsaPkcs1ToPkcs8(block.der(file)));
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw new IllegalArgumentException(
                file
                    + " holds an encrypted private key: give it unencrypted (openssl pkcs8 -topk8"
                    + " -nocrypt -in "
                    + file.getFileName()
                    + " -out key.pem) and keep the file readable by this process only");
        case "EC PRIVATE KEY" ->
            throw new IllegalArgumentException(
                file
                    + " holds an EC key in the SEC 1 format (BEGIN EC PRIVATE KEY): convert it to"
                    + " PKCS#8 with openssl pkcs8 -topk8 -nocrypt -in "
                    + file.getFileName()
                    + " -out key.pem");
        default -> {
          // parameters, certificates: look further
        }
      }
    }
    throw new IllegalArgumentException(
        file + " holds no PEM private key (a block -----BEGIN PRIVATE KEY-----)");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        file + " holds a PRIVATE KEY block that is not an RSA, EC or EdDSA key in PKCS#8");
  }

  /** One {@code -----BEGIN type-----} block. */
  private record PemBlock(String type, String base64) {
    byte[] der(Path file) {
      try {
        return Base64.getMimeDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "the " + type + " block of " + file + " is not valid base64: " + e.getMessage());
      }
    }
  }

  private static List<PemBlock> readPem(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "cannot read the " + what + " file " + file + ": no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IllegalArgumentException(
          "cannot read the " + what + " file " + file + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the " + what + " file " + file + ": " + e.getMessage());
    }
    List<PemBlock> blocks = new ArrayList<>();
    Matcher matcher = PEM_BLOCK.matcher(text);
    while (matcher.find()) {
      blocks.add(new PemBlock(matcher.group(1), matcher.group(2)));
    }
    return blocks;
  }

  /**
   * The TLS socket over an accepted connection, its handshake done.
   *
   * @param consumed bytes of the handshake already read from the socket (direct TLS), or empty
   */
  SSLSocket accept(Socket socket, byte[] consumed) throws IOException {
    InputStream already = consumed.length == 0 ? null : new ByteArrayInputStream(consumed);
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, already, true);
    tls.setUseClientMode(false);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setProtocols(
        Arrays.stream(tls.getSupportedProtocols())
            .filter(p -> p.equals("TLSv1.3") || p.equals("TLSv1.2"))
            .toArray(String[]::new));
    parameters.setApplicationProtocols(new String[] {ALPN_PROTOCOL});
    tls.setSSLParameters(parameters);
    tls.startHandshake();
    return tls;
  }

  /** The little DER a PKCS#1 RSA key needs to become PKCS#8. */
  static final class Der {
    private static final byte[] RSA_ALGORITHM = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };

    private Der() {}

    /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { the PKCS#1 key } }. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
      byte[] version = {0x02, 0x01, 0x00};
      byte[] octets = tagged(0x04, pkcs1);
      byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
      System.arraycopy(version, 0, body, 0, version.length);
      System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
      System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
      return tagged(0x30, body);
    }

    private static byte[] tagged(int tag, byte[] content) {
      byte[] length;
      if (content.length < 0x80) {
        length = new byte[] {(byte) content.length};
      } else {
        byte[] digits = BigInteger.valueOf(content.length).toByteArray();
        int skip = digits[0] == 0 ? 1 : 0;
        length = new byte[digits.length - skip + 1];
        length[0] = (byte) (0x80 | (digits.length - skip));
        System.arraycopy(digits, skip, length, 1, digits.length - skip);
      }
      byte[] out = new byte[1 + length.length + content.length];
      out[0] = (byte) tag;
      System.arraycopy(length, 0, out, 1, length.length);
      System.arraycopy(content, 0, out, 1 + length.length, content.length);
      return out;
    }
  }
}
