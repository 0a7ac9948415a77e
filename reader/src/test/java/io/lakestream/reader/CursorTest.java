package io.lakestream.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CursorTest {
  @Test
  void roundTripsThroughItsUrlSafeToken() {
    for (Cursor cursor :
        new Cursor[] {
          new Cursor(false, 0, 1),
          new Cursor(true, Long.MIN_VALUE, 5),
          new Cursor(false, Long.MAX_VALUE, Long.MAX_VALUE),
          new Cursor(true, 1_795_000_000_000_000L, 123),
          new Cursor(false, 42, Cursor.ALL),
          new Cursor(false, 42, 3, -7_438_119_553_221L)
        }) {
      String token = cursor.encode();
      assertThat(token).matches("[A-Za-z0-9_-]+");
      assertThat(Cursor.decode(token)).isEqualTo(cursor);
    }
  }

  @Test
  void refusesTokensItDidNotMake() {
    for (String token :
        new String[] {
          "",
          "!!",
          "AQ",
          "AQAAAAAAAAAAAAAA",
          "AgAAAAAAAAAAAAAAAAAAAAAB",
          "AQIAAAAAAAAAAAAAAAAAAAAB",
          "AQAAAAAAAAAAAAAAAAAAAAAA"
        }) {
      assertThatThrownBy(() -> Cursor.decode(token))
          .as(token)
          .isInstanceOf(QueryException.class)
          .hasMessageStartingWith("The cursor cannot be used:")
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(io.lakestream.schema.ErrorKind.BAD_REQUEST);
    }
  }
}
