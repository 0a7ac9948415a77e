package io.lakestream.pgwire.internal;

import io.lakestream.pgwire.PgErrors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code COPY … TO STDOUT}: what psql's {@code \copy (query) to 'file' csv header} and drivers'
 * copy-out APIs send. The rows of a query (or of a whole table) go to the client as CopyData
 * messages, one line each, in PostgreSQL's text or CSV format. Nothing is copied into Lakestream:
 * {@code COPY … FROM}, files on the server, programs and the binary format are refused, naming what
 * to do instead.
 *
 * @param query the query whose rows are copied
 * @param csv CSV (else PostgreSQL's text format)
 * @param header a first line with the column names
 * @param delimiter between values: tab for text, comma for CSV unless given
 * @param nulls how a null is written, UTF-8: {@code \N} for text, nothing for CSV unless given
 * @param quote CSV's quote character
 * @param escape CSV's escape of a quote character within quotes
 */
public record CopyOut(
    String query,
    boolean csv,
    boolean header,
    char delimiter,
    byte[] nulls,
    char quote,
    char escape) {

  /** How a null is written. */
  public String nullText() {
    return new String(nulls, StandardCharsets.UTF_8);
  }

  private static final Pattern START =
      Pattern.compile("(?is)^\\s*COPY\\b\\s*(.*)$", Pattern.DOTALL);
  private static final Pattern TABLE =
      Pattern.compile(
          "(?is)^((?:\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)(?:\\s*\\.\\s*(?:\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*))?)"
              + "\\s*(?:\\(([^)]*)\\))?\\s*(.*)$",
          Pattern.DOTALL);
  private static final Pattern TO_STDOUT =
      Pattern.compile("(?is)^\\s*TO\\s+STDOUT\\b\\s*(.*?)\\s*;?\\s*$", Pattern.DOTALL);
  private static final Pattern WORD =
      Pattern.compile("(?is)\\s*(\\(|\\)|,|\\*|'(?:[^']|'')*'|[a-z_]+|[0-9]+)");

  /**
   * The copy a statement asks for; empty when it is not a {@code COPY}.
   *
   * @throws io.lakestream.pgwire.PgException (feature not supported, or syntax error) for a {@code
   *     COPY} that is not a copy of rows to the client in text or CSV
   */
  public static Optional<CopyOut> parse(String statement) {
    Matcher start = START.matcher(statement);
    if (!start.matches()) {
      return Optional.empty();
    }
    String rest = start.group(1);
    String query;
    String after;
    if (rest.startsWith("(")) {
      int end = closingParenthesis(rest);
      query = rest.substring(1, end).strip();
      after = rest.substring(end + 1);
    } else {
      Matcher table = TABLE.matcher(rest);
      if (!table.matches()) {
        throw PgErrors.syntax(
            "COPY needs a table or a query in parentheses: COPY (SELECT …) TO STDOUT");
      }
      String columns = table.group(2) == null ? "*" : table.group(2).strip();
      query = "SELECT " + (columns.isEmpty() ? "*" : columns) + " FROM " + table.group(1);
      after = table.group(3);
    }
    Matcher to = TO_STDOUT.matcher(after);
    if (!to.matches()) {
      String direction = after.strip().toUpperCase(Locale.ROOT);
      throw PgErrors.notSupported(
          direction.startsWith("FROM")
              ? "COPY … FROM is not supported: rows go into Lakestream through Kafka (the ingest"
                  + " topics) or INSERT; COPY copies rows out, to the client: COPY (SELECT …) TO"
                  + " STDOUT, or \\copy in psql"
              : "COPY copies rows to the client only (TO STDOUT, as psql's \\copy sends it), not"
                  + " to a file or program on the server");
    }
    return Optional.of(options(query, to.group(1)));
  }

  /** The index of the parenthesis closing the one {@code text} starts with. */
  private static int closingParenthesis(String text) {
    int depth = 0;
    char quoted = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted != 0) {
        if (c == quoted) {
          quoted = 0; // a doubled quote closes and opens again
        }
      } else if (c == '\'' || c == '"') {
        quoted = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw PgErrors.syntax("COPY's query has no closing parenthesis");
  }

  /**
   * The options after {@code TO STDOUT}: {@code WITH (FORMAT csv, HEADER, DELIMITER ',', NULL '',
   * QUOTE '"', ESCAPE '"')} or the older words psql sends ({@code CSV HEADER}, {@code DELIMITER AS
   * ','}, {@code NULL AS ''}).
   */
  private static CopyOut options(String query, String text) {
    List<String> words = new java.util.ArrayList<>();
    Matcher word = WORD.matcher(text);
    int at = 0;
    while (at < text.length() && word.find(at) && word.start() == at) {
      words.add(word.group(1));
      at = word.end();
    }
    if (!text.substring(at).isBlank()) {
      throw PgErrors.syntax(
          "COPY's options are not understood from: " + text.substring(at).strip());
    }
    Builder options = new Builder();
    int i = 0;
    if (i < words.size() && words.get(i).equalsIgnoreCase("WITH")) {
      i++;
    }
    boolean listed = i < words.size() && words.get(i).equals("(");
    if (listed) {
      i++;
    }
    while (i < words.size()) {
      String name = words.get(i++).toUpperCase(Locale.ROOT);
      if (listed && name.equals(")")) {
        if (i != words.size()) {
          throw PgErrors.syntax("COPY has words after its options' closing parenthesis");
        }
        break;
      }
      if (listed && name.equals(",")) {
        continue;
      }
      String value = null;
      if (i < words.size() && words.get(i).equalsIgnoreCase("AS")) {
        i++;
      }
      boolean takesValue =
          switch (name) {
            case "FORMAT", "DELIMITER", "NULL", "QUOTE", "ESCAPE", "ENCODING" -> true;
            case "HEADER" ->
                listed
                    && i < words.size()
                    && !words.get(i).equals(",")
                    && !words.get(i).equals(")");
            default -> false;
          };
      if (takesValue) {
        if (i >= words.size()) {
          throw PgErrors.syntax("COPY option " + name + " needs a value");
        }
        value = unquote(words.get(i++));
      }
      options.apply(name, value);
    }
    return options.build(query);
  }

  private static String unquote(String word) {
    return word.startsWith("'") ? word.substring(1, word.length() - 1).replace("''", "'") : word;
  }

  /** The options as given, then their defaults. */
  private static final class Builder {
    String format = "text";
    boolean header;
    String delimiter;
    String nullText;
    String quote;
    String escape;

    void apply(String name, String value) {
      switch (name) {
        case "FORMAT" -> format = value.toLowerCase(Locale.ROOT);
        case "CSV" -> format = "csv";
        case "BINARY" -> format = "binary";
        case "HEADER" ->
            header =
                value == null
                    || switch (value.toLowerCase(Locale.ROOT)) {
                      case "true", "on", "1" -> true;
                      case "false", "off", "0" -> false;
                      default ->
                          throw PgErrors.notSupported(
                              "COPY's HEADER takes true or false, not " + value);
                    };
        case "DELIMITER" -> delimiter = value;
        case "NULL" -> nullText = value;
        case "QUOTE" -> quote = value;
        case "ESCAPE" -> escape = value;
        case "ENCODING" -> {
          if (!value.equalsIgnoreCase("UTF8") && !value.equalsIgnoreCase("UTF-8")) {
            throw PgErrors.notSupported("COPY writes UTF8 only, not " + value);
          }
        }
        default ->
            throw PgErrors.notSupported(
                "COPY option "
                    + name
                    + " is not supported: FORMAT (text or csv), HEADER, DELIMITER, NULL, QUOTE and"
                    + " ESCAPE are");
      }
    }

    CopyOut build(String query) {
      boolean csv =
          switch (format) {
            case "csv" -> true;
            case "text" -> false;
            case "binary" ->
                throw PgErrors.notSupported(
                    "COPY's binary format is not supported: use FORMAT text or csv");
            default ->
                throw PgErrors.notSupported(
                    "COPY format " + format + " is not supported: use text or csv");
          };
      if (!csv && (quote != null || escape != null)) {
        throw PgErrors.notSupported("COPY's QUOTE and ESCAPE are available only in CSV format");
      }
      char delimiterChar = single("DELIMITER", delimiter, csv ? ',' : '\t');
      char quoteChar = single("QUOTE", quote, '"');
      char escapeChar = single("ESCAPE", escape, quoteChar);
      String nullValue = nullText != null ? nullText : csv ? "" : "\\N";
      if (delimiterChar == '\n' || delimiterChar == '\r' || csv && delimiterChar == quoteChar) {
        throw PgErrors.notSupported("COPY's delimiter cannot be a line end or the quote");
      }
      return new CopyOut(
          query,
          csv,
          header,
          delimiterChar,
          nullValue.getBytes(StandardCharsets.UTF_8),
          quoteChar,
          escapeChar);
    }

    private static char single(String name, String value, char otherwise) {
      if (value == null) {
        return otherwise;
      }
      if (value.length() != 1 || value.charAt(0) > 0x7f) {
        throw PgErrors.notSupported("COPY's " + name + " must be a single one-byte character");
      }
      return value.charAt(0);
    }
  }

  /** The header line: the column names, in CSV's quoting. */
  public byte[] header(List<String> names) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        line.write(delimiter);
      }
      byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
      writeValue(line, name, 0, name.length, names.size() == 1);
    }
    line.write('\n');
    return line.toByteArray();
  }

  /**
   * Appends value {@code column} of {@code columns} (UTF-8 text as the text format of DataRows has
   * it; {@code length} -1: null), then the delimiter, or the line's end after the last.
   */
  public void append(
      ByteArrayOutputStream line, byte[] bytes, int start, int length, int column, int columns) {
    if (length < 0) {
      line.write(nulls, 0, nulls.length);
    } else {
      writeValue(line, bytes, start, length, columns == 1);
    }
    line.write(column == columns - 1 ? '\n' : delimiter);
  }

  private void writeValue(
      ByteArrayOutputStream line, byte[] bytes, int start, int length, boolean alone) {
    if (csv) {
      if (needsQuotes(bytes, start, length, alone)) {
        line.write(quote);
        for (int i = start; i < start + length; i++) {
          byte b = bytes[i];
          if (b == quote || b == escape) {
            line.write(escape);
          }
          line.write(b);
        }
        line.write(quote);
      } else {
        line.write(bytes, start, length);
      }
      return;
    }
    for (int i = start; i < start + length; i++) {
      byte b = bytes[i];
      switch (b) {
        case '\\' -> writeEscaped(line, '\\');
        case '\n' -> writeEscaped(line, 'n');
        case '\r' -> writeEscaped(line, 'r');
        case '\t' -> writeEscaped(line, 't');
        case '\b' -> writeEscaped(line, 'b');
        case '\f' -> writeEscaped(line, 'f');
        case 0x0b -> writeEscaped(line, 'v');
        default -> {
          if (b == delimiter) {
            writeEscaped(line, (char) b);
          } else {
            line.write(b);
          }
        }
      }
    }
  }

  private static void writeEscaped(ByteArrayOutputStream line, char c) {
    line.write('\\');
    line.write(c);
  }

  /**
   * Whether a CSV value is quoted: as PostgreSQL does, when it holds the delimiter, the quote or a
   * line end, when it reads as the null text (so the empty string, by default), or is {@code \.} as
   * a line's only value.
   */
  private boolean needsQuotes(byte[] bytes, int start, int length, boolean alone) {
    if (alone && length == 2 && bytes[start] == '\\' && bytes[start + 1] == '.') {
      return true;
    }
    for (int i = start; i < start + length; i++) {
      byte b = bytes[i];
      if (b == delimiter || b == quote || b == '\n' || b == '\r') {
        return true;
      }
    }
    return java.util.Arrays.equals(bytes, start, start + length, nulls, 0, nulls.length);
  }
}
