package io.lakestream.pgwire;

/** How a client proves who it is at startup. */
public enum PgAuthentication {
  /** No password is asked; every user is admitted (development only). */
  TRUST,
  /** The password is sent as is ({@code AuthenticationCleartextPassword}): use only over TLS. */
  CLEARTEXT,
  /** SCRAM-SHA-256 (RFC 5802, RFC 7677): the password never crosses the wire. */
  SCRAM_SHA_256
}
