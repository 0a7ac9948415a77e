package io.lakestream.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretCipherTest {
  @Test
  void encryptsWithAFreshNonceAndDecryptsBack() {
    SecretCipher cipher = new SecretCipher(SecretCipher.randomKey());
    String first = cipher.encrypt("s3cr3t");
    String second = cipher.encrypt("s3cr3t");
    assertThat(first).isNotEqualTo(second).doesNotContain("s3cr3t");
    assertThat(cipher.decrypt(first)).isEqualTo("s3cr3t");
    assertThat(cipher.decrypt(second)).isEqualTo("s3cr3t");
  }

  @Test
  void anotherKeyOrAlteredDataCannotDecrypt() {
    SecretCipher cipher = new SecretCipher(SecretCipher.randomKey());
    String sealed = cipher.encrypt("s3cr3t");
    assertThatThrownBy(() -> new SecretCipher(SecretCipher.randomKey()).decrypt(sealed))
        .hasMessageContaining("wrong key or altered data");
    char[] chars = sealed.toCharArray();
    chars[20] = chars[20] == 'A' ? 'B' : 'A';
    assertThatThrownBy(() -> cipher.decrypt(new String(chars)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SecretCipher(new byte[7]))
        .hasMessageContaining("16, 24 or 32 bytes");
  }
}
