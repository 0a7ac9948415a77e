package io.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private static final String KEY =
      Base64.getEncoder().encodeToString("lakestream-dev-key-32-bytes-long".getBytes());

  @Test
  void encryptsToDifferentTextsThatDecryptToTheSecret() {
    SecretBox box = SecretBox.fromBase64Key(KEY);
    String a = box.encrypt("hunter2");
    String b = box.encrypt("hunter2");
    assertThat(a).isNotEqualTo(b).doesNotContain("hunter2");
    assertThat(box.decrypt(a)).isEqualTo("hunter2");
    assertThat(box.decrypt(b)).isEqualTo("hunter2");
  }

  @Test
  void anotherKeyOrAnAlteredValueCannotDecrypt() {
    String sealed = SecretBox.fromBase64Key(KEY).encrypt("hunter2");
    assertThatThrownBy(() -> SecretBox.random().decrypt(sealed))
        .hasMessage(
            "A stored secret cannot be decrypted: it was encrypted under another key, or altered.");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    bytes[bytes.length - 1] ^= 1;
    String altered = Base64.getEncoder().encodeToString(bytes);
    assertThatThrownBy(() -> SecretBox.fromBase64Key(KEY).decrypt(altered))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badKeysAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> SecretBox.fromBase64Key("not base64!!"))
        .hasMessage("The encryption key is not base64.");
    assertThatThrownBy(
            () -> SecretBox.fromBase64Key(Base64.getEncoder().encodeToString(new byte[7])))
        .hasMessage("The encryption key must decode to 16, 24 or 32 bytes, not 7.");
  }
}
