package io.lakestream.cli.config;

import io.lakestream.schema.ErrorKind;
import io.lakestream.schema.LakestreamException;

/** A configuration value is missing or wrong; the message names the key and where it was set. */
public final class ConfigException extends LakestreamException {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(ErrorKind.BAD_REQUEST, message);
  }
}
