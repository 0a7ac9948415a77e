package io.lakestream.maintenance;

/** A maintenance step failed; the message names the table and what to do. */
public final class MaintenanceException extends RuntimeException {
  MaintenanceException(String message) {
    super(message);
  }

  MaintenanceException(String message, Throwable cause) {
    super(message, cause);
  }
}
