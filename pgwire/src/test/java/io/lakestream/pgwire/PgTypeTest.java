package io.lakestream.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
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

  /** What pgJDBC's binary decoding ({@code ByteConverter.numeric}) reads from a value's bytes. */
  static Number decoded(Object value) {
    return org.postgresql.util.ByteConverter.numeric(PgType.NUMERIC.binary(value));
  }

  @Test
  void numericBinaryDecodesInPgJdbcToTheSameValueAndScale() {
    List<String> edges =
        List.of(
            "0",
            "0.00",
            "-0.000",
            "1",
            "-1",
            "9999",
            "10000",
            "-10000",
            "0.0001",
            "0.00001234",
            "-0.0000000001",
            "1.50",
            "-12345678.000912",
            "0.1",
            "123456789012345678.9",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "12345678901234567890123456789.0123456789",
            "-99999999999999999999999999999.999999999",
            "99999999999999999999999999999999999999",
            "0.00000000000000000000000000000000000001",
            "170141183460469231731687303715884105727",
            "-170141183460469231731687303715884105728",
            "1E+30",
            "-2.5E+7",
            "-1.5E-40",
            "1E-16383");
    List<BigDecimal> values = new ArrayList<>(edges.stream().map(BigDecimal::new).toList());
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 20_000; i++) {
      BigInteger unscaled = new BigInteger(1 + random.nextInt(140), random);
      values.add(
          new BigDecimal(
              random.nextBoolean() ? unscaled : unscaled.negate(), random.nextInt(50) - 6));
    }
    for (BigDecimal value : values) {
      // pgJDBC gives the value with its scale: the number of digits after the point
      assertThat(decoded(value))
          .as(value.toString())
          .isEqualTo(value.setScale(Math.max(value.scale(), 0)));
    }
    assertThat(decoded(new BigDecimal("-0.000"))).hasToString("0.000");
  }

  @Test
  void numericsOfOtherNumberTypesKeepTheirValue() {
    assertThat(decoded(42L)).isEqualTo(new BigDecimal(42));
    assertThat(decoded(new BigInteger("-18446744073709551615")))
        .isEqualTo(new BigDecimal("-18446744073709551615"));
    assertThat(decoded(2.5)).isEqualTo(new BigDecimal("2.5"));
    assertThat(decoded(1e20)).isEqualTo(new BigDecimal("100000000000000000000"));
  }

  @Test
  void numericNanAndInfinitiesAreSentAsPostgresqlSendsThem() {
    assertThat(decoded(Double.NaN)).isEqualTo(Double.NaN);
    assertThat(decoded(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(decoded(Float.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(ByteBuffer.wrap(PgType.NUMERIC.binary(Double.NaN)).getShort(4))
        .isEqualTo((short) 0xC000);
    assertThat(PgType.NUMERIC.text(Double.NaN)).isEqualTo("NaN");
    assertThat(PgType.NUMERIC.text(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }

  @Test
  void aNumericBeyondPostgresqlsFormatIsAnOutOfRangeError() {
    for (String value : List.of("1E-16384", "1E+131072")) {
      assertThatThrownBy(() -> PgType.NUMERIC.binary(new BigDecimal(value)))
          .as(value)
          .isInstanceOfSatisfying(
              PgException.class, e -> assertThat(e.sqlState()).isEqualTo("22003"))
          .hasMessageStartingWith("value overflows numeric format");
    }
  }

  @Test
  void floatsAndTimestampsPrintAsPostgresPrintsThem() {
    assertThat(PgType.FLOAT8.text(100.0)).isEqualTo("100");
    assertThat(PgType.FLOAT8.text(1e20)).isEqualTo("1e+20");
    assertThat(PgType.FLOAT8.text(-2.25e-10)).isEqualTo("-2.25e-10");
    assertThat(PgType.FLOAT8.text(Double.NaN)).isEqualTo("NaN");
    // PostgreSQL writes an exponent from 1e15 up and below 1e-4 only
    assertThat(PgType.FLOAT8.text(82893580.2)).isEqualTo("82893580.2");
    assertThat(PgType.FLOAT8.text(1796691331.955989)).isEqualTo("1796691331.955989");
    assertThat(PgType.FLOAT8.text(123456789012345.6)).isEqualTo("123456789012345.6");
    assertThat(PgType.FLOAT8.text(1e15)).isEqualTo("1e+15");
    assertThat(PgType.FLOAT8.text(1.5e15)).isEqualTo("1.5e+15");
    assertThat(PgType.FLOAT8.text(0.0001)).isEqualTo("0.0001");
    assertThat(PgType.FLOAT8.text(-0.00012)).isEqualTo("-0.00012");
    assertThat(PgType.FLOAT8.text(0.00001)).isEqualTo("1e-05");
    assertThat(PgType.FLOAT4.text(82893580f)).isEqualTo("8.289358e+07");
    assertThat(PgType.FLOAT4.text(100000f)).isEqualTo("100000");
    assertThat(PgType.FLOAT4.text(1000000f)).isEqualTo("1e+06");
    assertThat(PgType.FLOAT4.text(1.25f)).isEqualTo("1.25");
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
