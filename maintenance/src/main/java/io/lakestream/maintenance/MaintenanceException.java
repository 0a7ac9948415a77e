package io.lakestream.maintenance;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/**
 * A maintenance step failed; the message names the table and what to do. Created through {@link
 * MaintenanceErrors}.
 */
public final class MaintenanceException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  MaintenanceException(ErrorKind kind, String message) {
    super(kind, message);
  }

  MaintenanceException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}
