package io.lakestream.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.query.spi.BucketValidator;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RegistrationEndpointsTest {
  private static boolean isPrivate(String literal) throws Exception {
    return RegistrationEndpoints.isPrivate(InetAddress.getByName(literal));
  }

  @Test
  void privateAndSpecialAddressesArePrivate() throws Exception {
    for (String address :
        new String[] {
          "127.0.0.1",
          "127.1.2.3",
          "0.0.0.0",
          "10.0.0.1",
          "172.16.5.4",
          "192.168.1.1",
          "169.254.169.254",
          "100.64.0.1",
          "100.127.255.255",
          "192.0.0.8",
          "224.0.0.1",
          "255.255.255.255",
          "::1",
          "::",
          "fe80::1",
          "fd00::1",
          "fc00::1",
          "::ffff:127.0.0.1",
          "::ffff:10.0.0.1"
        }) {
      assertThat(isPrivate(address)).as(address).isTrue();
    }
  }

  @Test
  void publicAddressesAreNot() throws Exception {
    for (String address :
        new String[] {"8.8.8.8", "52.95.110.1", "100.63.255.255", "100.128.0.1", "2600:1f18::1"}) {
      assertThat(isPrivate(address)).as(address).isFalse();
    }
  }

  @Test
  void theBucketCheckRefusesPrivateAddressesWhenItConnects() {
    // A name that passed the first check but resolves to a private address when connecting.
    assertThatThrownBy(
            () ->
                new io.lakestream.query.internal.S3BucketValidator(false)
                    .check("http://localhost:1", "us-east-1", "bucket", "key", "secret"))
        .isInstanceOf(BucketValidator.BucketUnreachableException.class)
        .hasMessageContaining("localhost resolves to a private address");
  }

  @Test
  void onlyHttpUrlsWithAHostAndNoUserInfo() {
    RegistrationEndpoints endpoints = new RegistrationEndpoints(true);
    for (String endpoint :
        new String[] {"ftp://s3.example.org", "s3.example.org", "http://", "http:/x"}) {
      assertThatThrownBy(() -> endpoints.check(endpoint))
          .as(endpoint)
          .hasMessage(
              "Cannot register the project: endpoint '"
                  + endpoint
                  + "' must be an http:// or https:// URL with a host.");
    }
    assertThatThrownBy(() -> endpoints.check("https://key:secret@s3.example.org"))
        .hasMessage(
            "Cannot register the project: endpoint must not carry user info ('user@'); give the"
                + " keys in access_key and secret_key.");
  }
}
