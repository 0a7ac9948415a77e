package io.lakestream.query.internal;

import io.lakestream.reader.QueryErrors;
import io.lakestream.reader.QueryException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which S3 endpoints {@code POST /register_project} may contact: {@code http} or {@code https} URLs
 * with a host and no user info, whose addresses are public unless private ones are allowed ({@code
 * query.register.allow-private-endpoints}, on in {@code lakestream dev}). Loopback, link-local
 * (cloud metadata services), site-local and unique-local, carrier-grade NAT, unspecified and
 * multicast addresses count as private.
 *
 * <p>The addresses are checked here and again by the bucket check's connection ({@link
 * io.lakestream.query.internal.S3BucketValidator}); the sidecar's later reads of a registered
 * bucket do not check them again.
 */
final class RegistrationEndpoints {
  /** What a host name that does not resolve is reported as: not reachable, like any other. */
  static final class Unresolvable extends Exception {
    private static final long serialVersionUID = 1L;

    Unresolvable(String host) {
      super("host '" + host + "' does not resolve");
    }
  }

  private final boolean allowPrivate;

  RegistrationEndpoints(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /**
   * Checks {@code endpoint}.
   *
   * @throws QueryException (bad request) when it is not an http(s) URL or names a private address
   *     that is not allowed
   * @throws Unresolvable when its host does not resolve
   */
  void check(String endpoint) throws Unresolvable {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw notHttp(endpoint);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw notHttp(endpoint);
    }
    if (uri.getRawUserInfo() != null) {
      throw QueryErrors.badRegistration(
          "endpoint must not carry user info ('user@'); give the keys in access_key and"
              + " secret_key");
    }
    if (allowPrivate) {
      return;
    }
    String host = uri.getHost();
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new Unresolvable(host);
    }
    for (InetAddress address : addresses) {
      if (isPrivate(address)) {
        throw QueryErrors.privateEndpoint(endpoint);
      }
    }
  }

  /** Whether {@code address} is not a public unicast address. */
  static boolean isPrivate(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      return first == 0 // "this network"
          || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT 100.64/10
          || (first == 192 && second == 0 && (bytes[2] & 0xff) == 0) // IETF 192.0.0/24
          || first >= 240; // reserved and broadcast
    }
    if (address instanceof Inet6Address) {
      int first = bytes[0] & 0xff;
      if ((first & 0xfe) == 0xfc) { // unique local fc00::/7
        return true;
      }
      boolean mapped = true; // ::ffff:a.b.c.d, checked as the IPv4 address
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = bytes[i] == 0;
      }
      if (mapped && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff) {
        try {
          return isPrivate(
              InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]}));
        } catch (UnknownHostException e) {
          return true;
        }
      }
    }
    return false;
  }

  private static QueryException notHttp(String endpoint) {
    return QueryErrors.badRegistration(
        "endpoint '" + endpoint + "' must be an http:// or https:// URL with a host");
  }
}
