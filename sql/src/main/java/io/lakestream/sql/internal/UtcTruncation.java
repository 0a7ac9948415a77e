package io.lakestream.sql.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code date_trunc} of a {@code TIMESTAMPTZ} to a unit of fixed length (a day or less) as integer
 * arithmetic on the instant, not through ICU's calendar: the engine's own function takes one
 * calendar round trip a value whatever the time zone (139k values an hour of logs: 20 ms on one
 * core, against 3 ms), which made it most of a per-minute count's time. The engine runs in UTC only
 * (its {@code TimeZone} set and locked by {@link DuckDbDatabase}, pgwire refusing any other), where
 * a unit of a day or less starts at a multiple of its length since the epoch.
 *
 * <p>It is a macro named {@code date_trunc} (and {@code datetrunc}) in the database's own schema,
 * which the engine finds before its built-in function: statements keep their text, their result
 * columns' names and types. Every other call goes to the built-in function ({@code
 * system.main.date_trunc}): other argument types ({@code TIMESTAMP}, {@code DATE}, {@code
 * INTERVAL}), other units ({@code week}, {@code month}, …), and infinite timestamps. Which branch a
 * call takes depends on its argument's type and (nearly always constant) unit only, so the engine
 * folds the choice away when it plans the statement.
 */
final class UtcTruncation {
  /** The unit names the engine takes for each unit of fixed length, and its length in µs. */
  private static final Map<List<String>, Long> UNITS = new LinkedHashMap<>();

  static {
    UNITS.put(
        List.of("microsecond", "microseconds", "us", "usec", "usecs", "usecond", "useconds"), 1L);
    UNITS.put(
        List.of("millisecond", "milliseconds", "ms", "msec", "msecs", "msecond", "mseconds"),
        1_000L);
    UNITS.put(List.of("second", "seconds", "s", "sec", "secs"), 1_000_000L);
    UNITS.put(List.of("minute", "minutes", "m", "min", "mins"), 60_000_000L);
    UNITS.put(List.of("hour", "hours", "h", "hr", "hrs"), 3_600_000_000L);
    UNITS.put(List.of("day", "days", "d", "dayofmonth"), 86_400_000_000L);
  }

  private UtcTruncation() {}

  /** The statements that make the macros, for a database's start (before its settings lock). */
  static List<String> macros() {
    String length =
        UNITS.entrySet().stream()
            .map(
                unit ->
                    unit.getKey().stream()
                            .map(name -> "'" + name + "'")
                            .collect(Collectors.joining(", ", "WHEN lower(part) IN (", ")"))
                        + " THEN "
                        + unit.getValue())
            .collect(Collectors.joining(" ", "CASE ", " END"));
    // The built-in function first: a call it refuses (date_trunc('minute', '…')) fails with its
    // own message. ((x % n) + n) % n: the start of the unit also before 1970. An infinite
    // timestamp has no epoch_us (null): the built-in function's answer (infinite) then.
    String body =
        "CASE WHEN typeof(ts) <> 'TIMESTAMP WITH TIME ZONE' OR lakestream_unit_micros(part) IS NULL"
            + " THEN system.main.date_trunc(part, ts)"
            + " ELSE coalesce(cast_to_type(make_timestamptz(epoch_us(ts)"
            + " - ((epoch_us(ts) % lakestream_unit_micros(part)) + lakestream_unit_micros(part))"
            + " % lakestream_unit_micros(part)), ts), system.main.date_trunc(part, ts)) END";
    return List.of(
        "CREATE MACRO main.lakestream_unit_micros(part) AS " + length,
        "CREATE MACRO main.date_trunc(part, ts) AS " + body,
        "CREATE MACRO main.datetrunc(part, ts) AS " + body);
  }
}
