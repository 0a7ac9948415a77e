package io.lakestream.cli.config;

import java.util.Locale;

/**
 * One configuration key: its name, default, meaning and kind.
 *
 * @param key dotted lower-case name as written in the configuration file, e.g. {@code
 *     writer.flush.age}
 * @param kind how the value is parsed and checked
 * @param defaultValue the value when no source sets it; empty means unset
 * @param description one sentence for {@code docs/configuration.md} and {@code lakestream config}
 * @param secret whether the value is masked wherever it is shown
 */
public record Setting(
    String key, Kind kind, String defaultValue, String description, boolean secret) {

  /** How a value is parsed. */
  public enum Kind {
    STRING,
    INT,
    BOOLEAN,
    /** {@code 500ms}, {@code 1s}, {@code 5m}, {@code 1h}. */
    DURATION,
    /** {@code 1048576}, {@code 64KiB}, {@code 128MiB}, {@code 2GiB}. */
    SIZE,
    /** Comma-separated {@code name=value} pairs. */
    PAIRS,
    /** A TCP port, {@code 0} (any free port) to {@code 65535}. */
    PORT,
    /** A TCP port as {@link #PORT}, or {@code -1}: not listening at all. */
    PORT_OR_OFF
  }

  /** The environment variable that sets this key: {@code LAKESTREAM_} + key, upper case. */
  public String environmentVariable() {
    return "LAKESTREAM_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
