package io.lakestream.cli.config;

/** A configuration value is missing or wrong; the message names the key and where it was set. */
public final class ConfigException extends RuntimeException {
  ConfigException(String message) {
    super(message);
  }
}
