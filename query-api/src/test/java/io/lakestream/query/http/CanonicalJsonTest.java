package io.lakestream.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code json} value is copied as it is only when Jackson would write it back byte for byte, so
 * the answer is the one {@link SqlResultWriter#embedJson} gives.
 */
class CanonicalJsonTest {
  private final CanonicalJson canonical = new CanonicalJson();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1}",
        "[1,-2,true,false,null,\"x\"]",
        "{\"k\":\"v\",\"n\":{\"a\":[1,2,{\"b\":null}]}}",
        "\"\\\" \\\\ \\b\\f\\n\\r\\t \\u0000 \\u001F é 日本\"",
        "1.5",
        "-1.5E-7",
        "1.0E10",
        "123456789012345678",
        "{}",
        "[]",
        "null"
      })
  void valuesJacksonWritesBackUnchangedAreCopied(String json) throws IOException {
    assertThat(test(json)).isTrue();
    assertThat(viaJackson(json)).isEqualTo(json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{ \"a\": 1 }",
        " [1]",
        "[1] ",
        "{\"a\":1,\"a\":2}",
        "1.50",
        "1e5",
        "-0",
        "-0.0E0",
        "1E400",
        "1234567890123456789",
        "\"\\u00e9\"",
        "\"\\u001f\"",
        "\"\\u000A\"",
        "\"\\/\"",
        "\"😀\"",
        "[1,]",
        "{\"a\"}",
        "01",
        "",
        "nul",
        "not json",
        "[1] [2]"
      })
  void valuesJacksonWritesOtherwiseGoThroughJackson(String json) {
    assertThat(test(json)).isFalse();
  }

  @Test
  void deepAndLargeValuesGoThroughJackson() {
    assertThat(test("[".repeat(64) + "]".repeat(64))).isTrue();
    assertThat(test("[".repeat(65) + "]".repeat(65))).isFalse();
    assertThat(test("{\"" + "k".repeat(998) + "\":1}")).isTrue();
    assertThat(test("{\"" + "k".repeat(999) + "\":1}")).isFalse();
    assertThat(test("\"" + "v".repeat(CanonicalJson.MAX_BYTES - 2) + "\"")).isTrue();
    assertThat(test("\"" + "v".repeat(CanonicalJson.MAX_BYTES - 1) + "\"")).isFalse();
  }

  /** Random JSON-like texts: every one taken as canonical is written back unchanged by Jackson. */
  @Test
  void everyValueTakenAsCanonicalIsWhatJacksonWrites() throws IOException {
    Random random = new Random(16);
    int canonicalOnes = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder json = new StringBuilder();
      randomValue(random, json, 0);
      String text = json.toString();
      if (test(text)) {
        canonicalOnes++;
        assertThat(viaJackson(text)).as(text).isEqualTo(text);
      }
    }
    assertThat(canonicalOnes).isGreaterThan(2_000); // the property was checked on many values
  }

  private boolean test(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return canonical.test(bytes, 0, bytes.length);
  }

  private static String viaJackson(String json) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = ErrorResponses.JSON.getFactory().createGenerator(out)) {
      SqlResultWriter.embedJson(generator, json);
    }
    return out.toString();
  }

  private static final String[] NUMBERS = {
    "0",
    "-0",
    "1",
    "-12",
    "007",
    "1.5",
    "1.50",
    "0.1",
    "1e5",
    "1E5",
    "1.0E10",
    "-1.5E-7",
    "1.0E-7",
    "4.9E-324",
    "1.7976931348623157E308",
    "123456789012345678",
    "1234567890123456789",
    "0.30000000000000004",
    "100.0",
    "1.0",
    "-0.0",
    "2.5e+3"
  };
  private static final String[] STRING_PARTS = {
    "a", "é", "日", "😀", "\\\"", "\\\\", "\\n", "\\t", "\\b", "\\f", "\\r", "\\u0000", "\\u001F",
    "\\u001f", "\\u00e9", "\\u000A", "\\/", " ", "k"
  };

  private static void randomValue(Random random, StringBuilder json, int depth) {
    int kind = random.nextInt(depth > 4 ? 4 : 7);
    switch (kind) {
      case 0 -> json.append(NUMBERS[random.nextInt(NUMBERS.length)]);
      case 1 -> randomString(random, json);
      case 2 ->
          json.append(random.nextBoolean() ? "true" : random.nextBoolean() ? "false" : "null");
      case 3 -> json.append(NUMBERS[random.nextInt(6)]);
      case 4, 5 -> {
        json.append('{');
        int keys = random.nextInt(4);
        for (int k = 0; k < keys; k++) {
          json.append(k > 0 ? "," : "").append(random.nextInt(20) == 0 ? " " : "");
          json.append('"').append(STRING_PARTS[random.nextInt(STRING_PARTS.length)]).append('"');
          json.append(random.nextInt(20) == 0 ? " : " : ":");
          randomValue(random, json, depth + 1);
        }
        json.append('}');
      }
      default -> {
        json.append('[');
        int values = random.nextInt(4);
        for (int v = 0; v < values; v++) {
          json.append(v > 0 ? (random.nextInt(20) == 0 ? ", " : ",") : "");
          randomValue(random, json, depth + 1);
        }
        json.append(']');
      }
    }
  }

  private static void randomString(Random random, StringBuilder json) {
    json.append('"');
    int parts = random.nextInt(4);
    for (int p = 0; p < parts; p++) {
      json.append(STRING_PARTS[random.nextInt(STRING_PARTS.length)]);
    }
    json.append('"');
  }
}
