package io.lakestream.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encodings that clients decode differently from how they read back through pgJDBC. */
class PgTypeTest {
  /** NUMERIC's binary format as shorts: ndigits, weight, sign, dscale, base-10000 digits. */
  static List<Integer> numeric(String value) {
    ByteBuffer bytes = ByteBuffer.wrap(PgType.NUMERIC.binary(new BigDecimal(value)));
    List<Integer> shorts = new ArrayList<>();
    while (bytes.hasRemaining()) {
      shorts.add((int) bytes.getShort());
    }
    return shorts;
  }

  @Test
  void numericBinaryUsesBaseTenThousandDigitsWithWeightSignAndScale() {
    assertThat(numeric("-12345678.000912")).containsExactly(4, 1, 0x4000, 6, 1234, 5678, 9, 1200);
    assertThat(numeric("10000")).containsExactly(1, 1, 0, 0, 1);
    assertThat(numeric("0.0001")).containsExactly(1, -1, 0, 4, 1);
    assertThat(numeric("0")).containsExactly(0, 0, 0, 0);
    assertThat(numeric("1.50")).containsExactly(2, 0, 0, 2, 1, 5000);
  }

  @Test
  void floatsAndTimestampsPrintAsPostgresPrintsThem() {
    assertThat(PgType.FLOAT8.text(100.0)).isEqualTo("100");
    assertThat(PgType.FLOAT8.text(1e20)).isEqualTo("1e+20");
    assertThat(PgType.FLOAT8.text(-2.25e-10)).isEqualTo("-2.25e-10");
    assertThat(PgType.FLOAT8.text(Double.NaN)).isEqualTo("NaN");
    assertThat(PgType.FLOAT4.text(0.1f)).isEqualTo("0.1");
    assertThat(PgType.TIMESTAMPTZ.text(Instant.parse("2026-12-06T07:57:21Z")))
        .isEqualTo("2026-12-06 07:57:21+00");
    assertThat(PgType.TEXT_ARRAY.text(java.util.Arrays.asList("", "NULL", null, "x")))
        .isEqualTo("{\"\",\"NULL\",NULL,x}");
  }

  @Test
  void timestampParametersAcceptTheFormsClientsSend() {
    Instant expected = Instant.parse("2026-12-06T07:00:00.123Z");
    assertThat(PgType.TIMESTAMPTZ.parseText("2026-12-06 08:00:00.123+01", 1)).isEqualTo(expected);
    assertThat(PgType.TIMESTAMPTZ.parseText("2026-12-06 08:00:00.123+0100", 1)).isEqualTo(expected);
    assertThat(PgType.TIMESTAMPTZ.parseText("2026-12-06T07:00:00.123Z", 1)).isEqualTo(expected);
    assertThat(PgType.TIMESTAMPTZ.parseText("2026-12-06 07:00:00.123", 1)).isEqualTo(expected);
    assertThatThrownBy(() -> PgType.TIMESTAMPTZ.parseText("yesterday", 2))
        .hasMessage("parameter $2 is not a valid timestamp with time zone: 'yesterday'");
    assertThatThrownBy(() -> PgType.INT8.parseText("12x", 1))
        .hasMessage("parameter $1 is not a valid bigint: '12x'");
  }
}
