package io.lakestream.reader.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonSyntaxTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static boolean jackson(String text) {
    try {
      JSON.readTree(text);
      return JSON.getFactory().createParser(text).nextToken() != null
          && JSON.readTree(text) != null
          && !text.isBlank();
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void agreesWithJacksonOnValidAndInvalidDocuments() {
    String[] valid = {
      "{}",
      "[]",
      "0",
      "-0.5e+10",
      "\"a\\u00e9\\n\"",
      "true",
      "null",
      " {\"a\": [1, 2.5, {\"b\": null}], \"c\": \"d\"} ",
      "[{\"name\":\"e1\"},true,1.5]",
      "1E3",
      "\"\""
    };
    String[] invalid = {
      "",
      " ",
      "{",
      "}",
      "[1,]",
      "{\"a\":}",
      "{\"a\" 1}",
      "{a:1}",
      "01",
      "1.",
      "-",
      "+1",
      "tru",
      "nul",
      "\"unterminated",
      "\"bad \\x escape\"",
      "[1] [2]",
      "{\"a\":1,}",
      "\"tab\there\"",
      "1e",
      "NaN",
      "plain text"
    };
    for (String text : valid) {
      assertThat(JsonSyntax.isValue(text)).as(text).isTrue();
      assertThat(jackson(text)).as("jackson " + text).isTrue();
    }
    for (String text : invalid) {
      assertThat(JsonSyntax.isValue(text)).as(text).isFalse();
    }
    assertThat(JsonSyntax.isValue("[".repeat(600) + "]".repeat(600))).isFalse();
  }
}
