/**
 * The query sidecar's extension points: where project registrations are kept ({@link
 * io.lakestream.query.spi.RegistrationStore}), how a project's bucket is checked before it is
 * registered ({@link io.lakestream.query.spi.BucketValidator}), and the registration they carry
 * ({@link io.lakestream.query.spi.BucketRegistration}). The log reader and the table source are the
 * {@code tables} module's ({@code DeltaLogReader}, {@code TableSource}).
 */
package io.lakestream.query.spi;
