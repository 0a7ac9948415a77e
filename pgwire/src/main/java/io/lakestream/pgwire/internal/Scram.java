package io.lakestream.pgwire.internal;

import io.lakestream.pgwire.PgErrors;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) without channel binding, as
 * PostgreSQL runs it: client-first, server-first (nonce, salt, iterations), client-final (proof),
 * server-final (signature).
 *
 * <p>The server does not store the password's SCRAM keys: it derives them, for this exchange's
 * salt, from each password that could authenticate the user, and keeps the one the proof matches.
 */
public final class Scram {
  /** The mechanism name sent in {@code AuthenticationSASL}. */
  public static final String MECHANISM = "SCRAM-SHA-256";

  static final int ITERATIONS = 4096;

  private final String gs2Header;
  private final String clientFirstBare;
  private final String nonce;
  private final byte[] salt;
  private final String serverFirst;

  /** What a valid proof gives: the password it proves and the server's final message. */
  public record Verified(String password, String serverFinalMessage) {}

  private Scram(String gs2Header, String clientFirstBare, String nonce, byte[] salt) {
    this.gs2Header = gs2Header;
    this.clientFirstBare = clientFirstBare;
    this.nonce = nonce;
    this.salt = salt;
    this.serverFirst =
        "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
  }

  /**
   * Reads the client-first message and picks this exchange's nonce and salt.
   *
   * @throws io.lakestream.pgwire.PgException (protocol violation) for a malformed message or a
   *     request for channel binding
   */
  public static Scram start(String clientFirst, SecureRandom random) {
    if (clientFirst.startsWith("p=")) {
      throw PgErrors.protocol(
          "SCRAM channel binding was requested, but this server offers SCRAM-SHA-256 without it"
              + " (no TLS); connect with channel_binding=disable or prefer");
    }
    if (!(clientFirst.startsWith("n,") || clientFirst.startsWith("y,"))) {
      throw PgErrors.protocol("malformed SCRAM client-first message");
    }
    int second = clientFirst.indexOf(',', 2);
    if (second < 0) {
      throw PgErrors.protocol("malformed SCRAM client-first message");
    }
    String gs2Header = clientFirst.substring(0, second + 1);
    String bare = clientFirst.substring(second + 1);
    String clientNonce = attribute(bare, 'r');
    byte[] serverNonce = new byte[18];
    random.nextBytes(serverNonce);
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return new Scram(
        gs2Header, bare, clientNonce + Base64.getEncoder().encodeToString(serverNonce), salt);
  }

  /** The server-first message: the combined nonce, the salt and the iteration count. */
  public String serverFirstMessage() {
    return serverFirst;
  }

  /**
   * Checks the client's proof against each candidate password.
   *
   * @return the password that matched and the server-final message, or empty when none did
   * @throws io.lakestream.pgwire.PgException (protocol violation) for a malformed message
   */
  public Optional<Verified> verify(String clientFinal, Collection<String> passwords) {
    int proofAt = clientFinal.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw PgErrors.protocol("malformed SCRAM client-final message: no proof");
    }
    String withoutProof = clientFinal.substring(0, proofAt);
    String binding = attribute(withoutProof, 'c');
    String expectedBinding =
        Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
    if (!binding.equals(expectedBinding) || !attribute(withoutProof, 'r').equals(nonce)) {
      throw PgErrors.protocol("SCRAM client-final message does not match this exchange");
    }
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw PgErrors.protocol("malformed SCRAM proof");
    }
    byte[] authMessage =
        (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
    for (String password : passwords) {
      if (password.isEmpty()) {
        continue;
      }
      byte[] salted = saltedPassword(password, salt);
      byte[] storedKey = sha256(hmac(salted, "Client Key".getBytes(StandardCharsets.UTF_8)));
      byte[] clientSignature = hmac(storedKey, authMessage);
      if (proof.length != clientSignature.length) {
        continue;
      }
      byte[] clientKey = new byte[proof.length];
      for (int i = 0; i < proof.length; i++) {
        clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
      }
      if (MessageDigest.isEqual(sha256(clientKey), storedKey)) {
        byte[] serverKey = hmac(salted, "Server Key".getBytes(StandardCharsets.UTF_8));
        String signature = Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
        return Optional.of(new Verified(password, "v=" + signature));
      }
    }
    return Optional.empty();
  }

  private static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    throw PgErrors.protocol("malformed SCRAM message: no '" + name + "' attribute");
  }

  static byte[] saltedPassword(String password, byte[] salt) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
