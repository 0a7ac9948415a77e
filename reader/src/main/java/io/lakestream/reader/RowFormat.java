package io.lakestream.reader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The response formats of row reads, chosen by {@code format=} or the {@code Accept} header. */
public enum RowFormat {
  /** A JSON array of objects; the default. */
  JSON("json", "application/json"),
  /** One JSON object per line, streamed and flushed as rows come. */
  NDJSON("ndjson", "application/x-ndjson"),
  /** RFC 4180 CSV with a header row. */
  CSV("csv", "text/csv"),
  /** Arrow IPC stream: a schema message, then record batches. */
  ARROW("arrow", "application/vnd.apache.arrow.stream");

  private final String parameter;
  private final String mediaType;

  RowFormat(String parameter, String mediaType) {
    this.parameter = parameter;
    this.mediaType = mediaType;
  }

  /** The value of {@code format=} that selects this format. */
  public String parameter() {
    return parameter;
  }

  /** The media type of responses, and of {@code Accept} values that select this format. */
  public String mediaType() {
    return mediaType;
  }

  /** Every {@code format=} value and media type, for error messages. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    for (RowFormat format : values()) {
      names.add(format.parameter + " (" + format.mediaType + ")");
    }
    return names;
  }

  /**
   * The format a request asks for: {@code format} when given (a parameter name or media type), else
   * the first supported type of {@code accept} by quality ({@code *}{@code /*}, {@code
   * application/*} and no header mean JSON).
   *
   * @throws QueryException (not acceptable) when nothing asked for is supported
   */
  public static RowFormat negotiate(String format, String accept) {
    if (format != null && !format.isBlank()) {
      String wanted = format.strip().toLowerCase(Locale.ROOT);
      for (RowFormat candidate : values()) {
        if (candidate.parameter.equals(wanted) || candidate.mediaType.equals(wanted)) {
          return candidate;
        }
      }
      throw QueryErrors.unsupportedFormat(format, names());
    }
    if (accept == null || accept.isBlank()) {
      return JSON;
    }
    record Choice(String type, double quality, int order) {}
    List<Choice> choices = new ArrayList<>();
    String[] parts = accept.split(",");
    for (int i = 0; i < parts.length; i++) {
      String[] pieces = parts[i].split(";");
      String type = pieces[0].strip().toLowerCase(Locale.ROOT);
      double quality = 1.0;
      for (String piece : Arrays.asList(pieces).subList(1, pieces.length)) {
        String p = piece.strip();
        if (p.startsWith("q=")) {
          try {
            quality = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            quality = 0;
          }
        }
      }
      if (!type.isEmpty() && quality > 0) {
        choices.add(new Choice(type, quality, i));
      }
    }
    choices.sort(
        (a, b) ->
            a.quality != b.quality
                ? Double.compare(b.quality, a.quality)
                : Integer.compare(a.order, b.order));
    for (Choice choice : choices) {
      if (choice.type.equals("*/*") || choice.type.equals("application/*")) {
        return JSON;
      }
      if (choice.type.equals("text/*")) {
        return CSV;
      }
      for (RowFormat candidate : values()) {
        if (candidate.mediaType.equals(choice.type)) {
          return candidate;
        }
      }
    }
    throw QueryErrors.unsupportedFormat(accept, names());
  }
}
