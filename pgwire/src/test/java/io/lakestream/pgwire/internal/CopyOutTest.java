package io.lakestream.pgwire.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.pgwire.PgException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code COPY … TO STDOUT} as clients write it, and its lines as PostgreSQL writes them. */
class CopyOutTest {

  @Test
  void statementsThatAreNotCopiesAreLeftAlone() {
    assertThat(CopyOut.parse("SELECT 1")).isEmpty();
    assertThat(CopyOut.parse("select copy from t")).isEmpty();
    assertThat(CopyOut.parse("copyright")).isEmpty();
  }

  @Test
  void aQueryOrATableWithItsColumns() {
    CopyOut query =
        CopyOut.parse("COPY ( SELECT ')' AS p, \"a)\" FROM t WHERE (x) > 1 ) TO STDOUT").get();
    assertThat(query.query()).isEqualTo("SELECT ')' AS p, \"a)\" FROM t WHERE (x) > 1");
    assertThat(query.csv()).isFalse();
    assertThat(query.delimiter()).isEqualTo('\t');
    assertThat(query.nullText()).isEqualTo("\\N");

    assertThat(CopyOut.parse("copy public.events (timestamp, body) to stdout;").get().query())
        .isEqualTo("SELECT timestamp, body FROM public.events");
    assertThat(CopyOut.parse("COPY \"Odd\"\"Name\" TO STDOUT").get().query())
        .isEqualTo("SELECT * FROM \"Odd\"\"Name\"");
  }

  record Options(boolean csv, boolean header, char delimiter, String nullText) {}

  static Options options(String statement) {
    CopyOut copy = CopyOut.parse(statement).get();
    return new Options(copy.csv(), copy.header(), copy.delimiter(), copy.nullText());
  }

  @Test
  void optionsAsPsqlSendsThemAndInBothSyntaxes() {
    assertThat(options("COPY t TO STDOUT with csv header"))
        .isEqualTo(new Options(true, true, ',', ""));
    assertThat(options("COPY t TO STDOUT WITH (FORMAT csv, HEADER)"))
        .isEqualTo(new Options(true, true, ',', ""));
    assertThat(options("COPY t TO STDOUT (FORMAT 'csv', HEADER false, DELIMITER ';', NULL 'NULL')"))
        .isEqualTo(new Options(true, false, ';', "NULL"));
    assertThat(options("COPY t TO STDOUT DELIMITER AS '|' NULL AS ''"))
        .isEqualTo(new Options(false, false, '|', ""));
    assertThat(options("COPY t TO STDOUT (HEADER on)"))
        .isEqualTo(new Options(false, true, '\t', "\\N"));
  }

  @Test
  void whatIsNotACopyToTheClientIsRefusedSayingWhatIs() {
    List<List<String>> refused =
        List.of(
            List.of("COPY t FROM STDIN", "COPY … FROM is not supported"),
            List.of("COPY t FROM '/tmp/rows.csv'", "COPY … FROM is not supported"),
            List.of("COPY t TO '/tmp/rows.csv'", "not to a file or program on the server"),
            List.of("COPY t TO PROGRAM 'gzip > x'", "not to a file or program on the server"),
            List.of("COPY t TO STDOUT (FORMAT binary)", "binary format is not supported"),
            List.of("COPY t TO STDOUT BINARY", "binary format is not supported"),
            List.of("COPY t TO STDOUT (FORCE_QUOTE *)", "COPY option FORCE_QUOTE is not supported"),
            List.of("COPY t TO STDOUT (DELIMITER ';;')", "must be a single one-byte character"),
            List.of("COPY t TO STDOUT (QUOTE '''')", "available only in CSV format"),
            List.of("COPY (SELECT 1 TO STDOUT", "no closing parenthesis"),
            List.of("COPY t TO STDOUT (FORMAT csv) extra", "words after its options"));
    for (List<String> statement : refused) {
      assertThatThrownBy(() -> CopyOut.parse(statement.get(0)))
          .as(statement.get(0))
          .isInstanceOf(PgException.class)
          .hasMessageContaining(statement.get(1));
    }
  }

  static String line(CopyOut copy, String... values) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int i = 0; i < values.length; i++) {
      byte[] bytes = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
      copy.append(line, bytes, 0, bytes == null ? -1 : bytes.length, i, values.length);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  @Test
  void textEscapesBackslashesLineEndsTabsAndTheDelimiter() {
    CopyOut text = CopyOut.parse("COPY t TO STDOUT").get();
    assertThat(line(text, "a\tb", "c\\d", "e\nf\rg", null, ""))
        .isEqualTo("a\\tb\tc\\\\d\te\\nf\\rg\t\\N\t\n");
    CopyOut pipes = CopyOut.parse("COPY t TO STDOUT DELIMITER '|'").get();
    assertThat(line(pipes, "a|b", "c")).isEqualTo("a\\|b|c\n");
  }

  @Test
  void csvQuotesWhatNeedsItAsPostgresqlDoes() {
    CopyOut csv = CopyOut.parse("COPY t TO STDOUT (FORMAT csv)").get();
    assertThat(line(csv, "plain", "a,b", "say \"hi\"", "two\nlines", "", null, "ü"))
        .isEqualTo("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\",,ü\n");
    assertThat(line(csv, "\\.")).isEqualTo("\"\\.\"\n");
    assertThat(line(csv, "\\.", "x")).isEqualTo("\\.,x\n");
    CopyOut nulls = CopyOut.parse("COPY t TO STDOUT (FORMAT csv, NULL 'NULL', ESCAPE '\\')").get();
    assertThat(line(nulls, "NULL", null, "", "a\"b\\c"))
        .isEqualTo("\"NULL\",NULL,,\"a\\\"b\\\\c\"\n");
    assertThat(new String(csv.header(List.of("ts", "a,b")), StandardCharsets.UTF_8))
        .isEqualTo("ts,\"a,b\"\n");
    assertThat(Arrays.asList(csv.delimiter(), csv.quote(), csv.escape()))
        .containsExactly(',', '"', '"');
  }
}
