package io.lakestream.catalog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts project secrets with AES-GCM before they are stored: a random 12-byte nonce per value,
 * the 128-bit tag, base64 of {@code nonce || ciphertext}. A value encrypted under one key cannot be
 * read, nor altered unnoticed, without it.
 */
public final class SecretBox {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  private SecretBox(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /**
   * A box for a base64 key of 16, 24 or 32 bytes.
   *
   * @throws IllegalArgumentException naming the problem, never echoing the key
   */
  public static SecretBox fromBase64Key(String base64Key) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64Key.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("The encryption key is not base64.");
    }
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException(
          "The encryption key must decode to 16, 24 or 32 bytes, not " + key.length + ".");
    }
    return new SecretBox(key);
  }

  /** A box with a fresh random 256-bit key, for dev mode. */
  public static SecretBox random() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new SecretBox(key);
  }

  /** The encrypted form of {@code secret}. */
  public String encrypt(String secret) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder()
          .encodeToString(
              ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * The secret inside {@code encrypted}.
   *
   * @throws IllegalArgumentException when it was encrypted under another key or was altered
   */
  public String decrypt(String encrypted) {
    try {
      byte[] all = Base64.getDecoder().decode(encrypted);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      return new String(
          cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException
        | IllegalArgumentException
        | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "A stored secret cannot be decrypted: it was encrypted under another key, or altered.");
    }
  }
}
