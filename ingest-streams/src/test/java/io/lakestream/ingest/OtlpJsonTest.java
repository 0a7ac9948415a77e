package io.lakestream.ingest;

import static io.lakestream.ingest.Otlp.array;
import static io.lakestream.ingest.Otlp.bool;
import static io.lakestream.ingest.Otlp.bytes;
import static io.lakestream.ingest.Otlp.dbl;
import static io.lakestream.ingest.Otlp.integer;
import static io.lakestream.ingest.Otlp.kv;
import static io.lakestream.ingest.Otlp.kvlist;
import static io.lakestream.ingest.Otlp.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lakestream.ingest.internal.OtlpJson;
import io.opentelemetry.proto.common.v1.AnyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {
  @Test
  void scalarsBecomeTheirJsonValues() {
    assertThat(OtlpJson.anyValue(str("a \"quoted\"\nline")))
        .isEqualTo("\"a \\\"quoted\\\"\\nline\"");
    assertThat(OtlpJson.anyValue(bool(true))).isEqualTo("true");
    assertThat(OtlpJson.anyValue(integer(Long.MIN_VALUE))).isEqualTo("-9223372036854775808");
    assertThat(OtlpJson.anyValue(dbl(-0.25))).isEqualTo("-0.25");
    assertThat(OtlpJson.anyValue(bytes((byte) 0xff, (byte) 0x00, (byte) 0x10)))
        .isEqualTo("\"/wAQ\"");
    assertThat(OtlpJson.anyValue(AnyValue.getDefaultInstance())).isEqualTo("null");
  }

  @Test
  void nonFiniteDoublesBecomeStrings() {
    assertThat(OtlpJson.anyValue(dbl(Double.NaN))).isEqualTo("\"NaN\"");
    assertThat(OtlpJson.anyValue(dbl(Double.POSITIVE_INFINITY))).isEqualTo("\"Infinity\"");
    assertThat(OtlpJson.anyValue(dbl(Double.NEGATIVE_INFINITY))).isEqualTo("\"-Infinity\"");
  }

  @Test
  void arraysAndKvlistsNest() {
    AnyValue value =
        kvlist(
            kv("list", array(integer(1), array(str("x")), kvlist(kv("deep", bool(false))))),
            kv("empty", array()),
            kv("map", kvlist()));

    assertThat(OtlpJson.anyValue(value))
        .isEqualTo("{\"list\":[1,[\"x\"],{\"deep\":false}],\"empty\":[],\"map\":{}}");
  }

  @Test
  void attributesBecomeAnObjectInTheirOrder() {
    assertThat(OtlpJson.attributes(List.of(kv("b", "1"), kv("a", integer(2)))))
        .isEqualTo("{\"b\":\"1\",\"a\":2}");
    assertThat(OtlpJson.attributes(List.of())).isEqualTo("{}");
  }

  @Test
  void idsAreLowerCaseHexOrNull() {
    assertThat(OtlpJson.hexId(ByteString.copyFrom(new byte[] {(byte) 0xAB, 0x01})))
        .isEqualTo("ab01");
    assertThat(OtlpJson.hexId(ByteString.EMPTY)).isNull();
  }
}
