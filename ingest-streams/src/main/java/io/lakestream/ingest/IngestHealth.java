package io.lakestream.ingest;

import static java.util.Objects.requireNonNull;

/**
 * Whether the ingest router routes, and if not why: what {@code /health} of the ingest role
 * answers.
 *
 * @param healthy whether Kafka Streams runs and no stream thread failed recently
 * @param error a stable code when unhealthy ({@code streams_not_running}, {@code
 *     stream_thread_failed}), empty when healthy
 * @param detail a sentence for people saying what is wrong, empty when healthy
 */
public record IngestHealth(boolean healthy, String error, String detail) {
  public IngestHealth {
    requireNonNull(error, "error is null");
    requireNonNull(detail, "detail is null");
  }

  /** The router works. */
  public static IngestHealth ok() {
    return new IngestHealth(true, "", "");
  }

  /** The router does not work, for {@code detail}. */
  public static IngestHealth unhealthy(String error, String detail) {
    return new IngestHealth(false, error, detail);
  }
}
