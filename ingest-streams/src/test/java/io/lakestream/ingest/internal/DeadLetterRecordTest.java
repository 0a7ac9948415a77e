package io.lakestream.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.schema.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class DeadLetterRecordTest {
  private static final int BUDGET = 100_000;

  @Test
  void aDeadLetterThatFitsIsKeptWhole() {
    byte[] value = bytes(50_000);
    Headers headers = headers();

    DeadLetterRecord letter = DeadLetterRecord.fit(utf8("k"), value, headers, BUDGET);

    assertThat(letter.truncated()).isFalse();
    assertThat(letter.value()).isSameAs(value);
    assertThat(letter.key()).isEqualTo(utf8("k"));
    assertThat(letter.headers().lastHeader(RecordHeaders.DLQ_TRUNCATED)).isNull();
  }

  @Test
  void aDeadLetterTooLargeIsCutToAPrefixWithItsSizeAndChecksum() {
    byte[] value = bytes(5_000_000);

    DeadLetterRecord letter = DeadLetterRecord.fit(utf8("k"), value, headers(), BUDGET);

    assertThat(letter.truncated()).isTrue();
    assertThat(header(letter, RecordHeaders.DLQ_TRUNCATED)).isEqualTo("value");
    assertThat(header(letter, RecordHeaders.DLQ_ORIGINAL_BYTES)).isEqualTo("5000000");
    assertThat(header(letter, RecordHeaders.DLQ_ORIGINAL_SHA256))
        .isEqualTo(DeadLetterRecord.sha256(value))
        .hasSize(64);
    assertThat(header(letter, RecordHeaders.SOURCE_OFFSET)).isEqualTo("42");
    assertThat(letter.key()).isEqualTo(utf8("k"));
    assertThat(letter.value()).isEqualTo(Arrays.copyOf(value, letter.value().length));
    assertThat(letter.value().length).isGreaterThan(BUDGET - 2 * DeadLetterRecord.SLACK_BYTES);
    assertThat(DeadLetterRecord.sizeUpperBound(letter.key(), letter.value(), letter.headers()))
        .isLessThanOrEqualTo(BUDGET);
  }

  @Test
  void sourceHeadersThatLeaveNoRoomAreDroppedButLakestreamHeadersKept() {
    Headers headers = headers();
    headers.add("huge", bytes(80_000));
    byte[] key = bytes(30_000);

    DeadLetterRecord letter = DeadLetterRecord.fit(key, bytes(10), headers, BUDGET);

    assertThat(header(letter, RecordHeaders.DLQ_TRUNCATED)).isEqualTo("key,headers,value");
    assertThat(letter.key()).isNull();
    assertThat(letter.headers().lastHeader("huge")).isNull();
    assertThat(header(letter, RecordHeaders.DLQ_REASON)).isEqualTo("undecodable");
    assertThat(letter.value()).hasSize(10);
    assertThat(DeadLetterRecord.sizeUpperBound(letter.key(), letter.value(), letter.headers()))
        .isLessThanOrEqualTo(BUDGET);
  }

  @Test
  void aBudgetTooSmallForAnyDeadLetterIsRefused() {
    assertThatThrownBy(() -> DeadLetterRecord.fit(null, bytes(10), headers(), 1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A dead-letter budget of 1000 bytes is below 16384");
  }

  private static Headers headers() {
    Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(RecordHeaders.DLQ_REASON, utf8("undecodable"));
    headers.add(RecordHeaders.SOURCE_TOPIC, utf8("otlp_logs"));
    headers.add(RecordHeaders.SOURCE_PARTITION, utf8("0"));
    headers.add(RecordHeaders.SOURCE_OFFSET, utf8("42"));
    return headers;
  }

  private static String header(DeadLetterRecord letter, String name) {
    return new String(letter.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
