package io.lakestream.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test certificate authority and a server certificate it signed for {@code localhost} and {@code
 * 127.0.0.1}, as the PEM files an operator gives a PostgreSQL server: the certificate chain, the
 * unencrypted PKCS#8 private key, and the authority's certificate for clients ({@code
 * sslrootcert}). Made with the running JDK's {@code keytool} in a folder of the caller's (the JDK
 * has no API to sign a certificate); valid for two days.
 *
 * @param certificate the server's certificate, then the authority's (PEM)
 * @param key the server's private key (PEM, PKCS#8, RSA 2048)
 * @param authority the authority's certificate (PEM), for {@code sslrootcert}
 */
public record TestCertificates(Path certificate, Path key, Path authority) {
  private static final String PASSWORD = "test-password";

  /** Makes an authority and a server certificate under {@code folder}. */
  public static TestCertificates create(Path folder) {
    try {
      Files.createDirectories(folder);
      Path authorityStore = folder.resolve("authority.p12");
      Path serverStore = folder.resolve("server.p12");
      keytool(
          "-genkeypair",
          "-keystore",
          authorityStore.toString(),
          "-alias",
          "authority",
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-validity",
          "2",
          "-dname",
          "CN=Lakestream test authority",
          "-ext",
          "bc:c");
      keytool(
          "-genkeypair",
          "-keystore",
          serverStore.toString(),
          "-alias",
          "server",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-validity",
          "2",
          "-dname",
          "CN=localhost");
      Path request = folder.resolve("server.csr");
      keytool(
          "-certreq",
          "-keystore",
          serverStore.toString(),
          "-alias",
          "server",
          "-file",
          request.toString());
      Path signed = folder.resolve("server-only.pem");
      keytool(
          "-gencert",
          "-keystore",
          authorityStore.toString(),
          "-alias",
          "authority",
          "-infile",
          request.toString(),
          "-outfile",
          signed.toString(),
          "-rfc",
          "-validity",
          "2",
          "-ext",
          "SAN=dns:localhost,ip:127.0.0.1",
          "-ext",
          "EKU=serverAuth",
          "-ext",
          "KU=digitalSignature,keyEncipherment");
      Path authority = folder.resolve("authority.pem");
      keytool(
          "-exportcert",
          "-keystore",
          authorityStore.toString(),
          "-alias",
          "authority",
          "-rfc",
          "-file",
          authority.toString());
      Path certificate = folder.resolve("server.pem");
      Files.writeString(certificate, Files.readString(signed) + Files.readString(authority));
      Path key = folder.resolve("server.key");
      Files.writeString(key, pem("PRIVATE KEY", privateKey(serverStore, "server").getEncoded()));
      return new TestCertificates(certificate, key, authority);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot make test certificates in " + folder, e);
    }
  }

  /** A self-signed certificate of another authority (that never signed this server's). */
  public static Path otherAuthority(Path folder) {
    try {
      Files.createDirectories(folder);
      Path store = folder.resolve("other-authority.p12");
      keytool(
          "-genkeypair",
          "-keystore",
          store.toString(),
          "-alias",
          "other",
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-validity",
          "2",
          "-dname",
          "CN=Another authority",
          "-ext",
          "bc:c");
      Path pem = folder.resolve("other-authority.pem");
      keytool(
          "-exportcert",
          "-keystore",
          store.toString(),
          "-alias",
          "other",
          "-rfc",
          "-file",
          pem.toString());
      return pem;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot make a test certificate in " + folder, e);
    }
  }

  /** A PEM block. */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static Key privateKey(Path store, String alias) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD.toCharArray());
      return keys.getKey(alias, PASSWORD.toCharArray());
    } catch (GeneralSecurityException e) {
      throw new IOException("Cannot read the key " + alias + " of " + store, e);
    }
  }

  private static void keytool(String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    command.addAll(
        List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("keytool " + arguments[0] + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    }
  }
}
