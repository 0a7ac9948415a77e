package io.lakestream.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.index.KeyEncoding;
import io.lakestream.schema.ColumnType;
import org.junit.jupiter.api.Test;

class KeysTest {
  private static long timestamp(String text) {
    return Keys.parse(ColumnType.TIMESTAMP, text, "from", "timestamp");
  }

  @Test
  void timestampsAreMicrosecondsOrIso8601() {
    assertThat(timestamp("1795000000000000")).isEqualTo(1_795_000_000_000_000L);
    assertThat(timestamp("2026-11-21T10:00:00Z")).isEqualTo(1_795_255_200_000_000L);
    assertThat(timestamp("2026-11-21T10:00:00.123456Z")).isEqualTo(1_795_255_200_123_456L);
    assertThat(timestamp("2026-11-21T11:00:00+01:00")).isEqualTo(1_795_255_200_000_000L);
    assertThat(timestamp("2026-11-21")).isEqualTo(1_795_219_200_000_000L);
    // without an offset: UTC, as in SQL; a space for the T, as SQL and psql write it
    assertThat(timestamp("2026-11-21T10:00:00")).isEqualTo(1_795_255_200_000_000L);
    assertThat(timestamp("2026-11-21 10:00:00.5")).isEqualTo(1_795_255_200_500_000L);
    assertThat(timestamp("2026-11-21 11:00:00+01:00")).isEqualTo(1_795_255_200_000_000L);
    assertThat(timestamp("-1")).isEqualTo(-1);
    assertThat(timestamp("1969-12-31T23:59:59.999999Z")).isEqualTo(-1);
  }

  @Test
  void isoTimestampsRoundTrip() {
    for (long micros : new long[] {0, -1, 1_795_255_200_123_456L, -62_135_596_800_000_000L}) {
      assertThat(timestamp(Keys.isoTimestamp(micros))).isEqualTo(micros);
    }
    assertThat(Keys.isoTimestamp(1_795_255_200_000_001L)).isEqualTo("2026-11-21T10:00:00.000001Z");
  }

  @Test
  void otherKeyTypes() {
    assertThat(Keys.parse(ColumnType.LONG, "-42", "to", "id")).isEqualTo(-42);
    assertThat(Keys.parse(ColumnType.INT, "7", "to", "id")).isEqualTo(7);
    assertThat(Keys.parse(ColumnType.DATE, "1970-01-11", "to", "day")).isEqualTo(10);
    assertThat(Keys.parse(ColumnType.DATE, "10", "to", "day")).isEqualTo(10);
    assertThat(Keys.parse(ColumnType.DOUBLE, "-1.5", "to", "x"))
        .isEqualTo(KeyEncoding.ofDouble(-1.5));
    assertThat(Keys.value(ColumnType.DOUBLE, KeyEncoding.ofDouble(2.5))).isEqualTo(2.5);
  }

  @Test
  void unreadableKeysNameTheParameterAndTheAcceptedForms() {
    assertThatThrownBy(() -> timestamp("yesterday"))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "Cannot read 'yesterday' given as 'from' as a key of column 'timestamp' (timestamp):"
                + " give an integer (microseconds since the epoch, UTC) or an ISO-8601 instant"
                + " such as 2026-11-21T10:00:00Z.");
    assertThatThrownBy(() -> Keys.parse(ColumnType.INT, "99999999999", "key", "id"))
        .hasMessageContaining("give an integer");
    assertThatThrownBy(() -> Keys.parse(ColumnType.DOUBLE, "NaN", "key", "x"))
        .hasMessageContaining("give a number");
    assertThatThrownBy(() -> timestamp("99999999-01-01T00:00:00Z"))
        .isInstanceOf(QueryException.class);
  }
}
