package io.lakestream.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, as {@code promtool check metrics}
 * reads it: every family needs a {@code # HELP} with text and a {@code # TYPE} before its samples,
 * once each; a family's samples are contiguous; names, label names, escapes and values are checked;
 * no series appears twice. Used by tests to check what a role's {@code /metrics} serves.
 */
public final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");
  private static final List<String> SUFFIXES =
      List.of("_total", "_created", "_count", "_sum", "_bucket", "_gcount", "_gsum");

  /** One sample: its name, labels in order, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family: name, type, help text, samples. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  /** A violation of the format, with its line number. */
  public static final class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FormatException(int line, String message, String text) {
      super("line " + line + ": " + message + ": " + text);
    }
  }

  private PrometheusText() {}

  /**
   * The families of {@code text}, by name, in order.
   *
   * @throws FormatException at the first violation
   */
  public static Map<String, Family> parse(String text) {
    Map<String, String> help = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> closed = new LinkedHashSet<>();
    Set<String> series = new LinkedHashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      int number = n + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3 || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          continue; // a plain comment
        }
        String name = parts[2];
        if (!METRIC_NAME.matcher(name).matches()) {
          throw new FormatException(number, "invalid metric name", line);
        }
        if (!name.equals(current)) {
          if (current != null) {
            closed.add(current);
          }
          if (closed.contains(name)) {
            throw new FormatException(number, "family '" + name + "' appears twice", line);
          }
          current = name;
        }
        String rest = parts.length > 3 ? parts[3] : "";
        if (parts[1].equals("HELP")) {
          if (help.containsKey(name)) {
            throw new FormatException(number, "second HELP line for '" + name + "'", line);
          }
          if (rest.isBlank()) {
            throw new FormatException(number, "empty HELP text for '" + name + "'", line);
          }
          help.put(name, rest);
        } else {
          if (types.containsKey(name)) {
            throw new FormatException(number, "second TYPE line for '" + name + "'", line);
          }
          if (samples.containsKey(name)) {
            throw new FormatException(number, "TYPE after samples of '" + name + "'", line);
          }
          if (!TYPES.contains(rest)) {
            throw new FormatException(number, "unknown type '" + rest + "'", line);
          }
          types.put(name, rest);
        }
        continue;
      }
      Sample sample = sample(number, line);
      String family = familyOf(sample.name(), current);
      if (family == null) {
        throw new FormatException(
            number, "sample '" + sample.name() + "' outside its family's HELP and TYPE", line);
      }
      if (!help.containsKey(family)) {
        throw new FormatException(number, "no HELP for '" + family + "'", line);
      }
      if (!types.containsKey(family)) {
        throw new FormatException(number, "no TYPE for '" + family + "'", line);
      }
      if (!series.add(sample.name() + new java.util.TreeMap<>(sample.labels()))) {
        throw new FormatException(number, "duplicate series", line);
      }
      samples.computeIfAbsent(family, f -> new ArrayList<>()).add(sample);
    }
    Map<String, Family> families = new LinkedHashMap<>();
    for (String name : types.keySet()) {
      if (!help.containsKey(name)) {
        throw new FormatException(0, "no HELP for '" + name + "'", name);
      }
      families.put(
          name,
          new Family(name, types.get(name), help.get(name), samples.getOrDefault(name, List.of())));
    }
    for (String name : help.keySet()) {
      if (!types.containsKey(name)) {
        throw new FormatException(0, "no TYPE for '" + name + "'", name);
      }
    }
    return families;
  }

  private static String familyOf(String sample, String current) {
    if (current == null) {
      return null;
    }
    if (sample.equals(current)) {
      return current;
    }
    for (String suffix : SUFFIXES) {
      if (sample.equals(current + suffix)) {
        return current;
      }
    }
    return null;
  }

  private static Sample sample(int number, String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new FormatException(number, "invalid metric name", line);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (i >= line.length()) {
          throw new FormatException(number, "unterminated labels", line);
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int equals = line.indexOf('=', i);
        if (equals < 0) {
          throw new FormatException(number, "label without '='", line);
        }
        String label = line.substring(i, equals);
        if (!LABEL_NAME.matcher(label).matches()) {
          throw new FormatException(number, "invalid label name '" + label + "'", line);
        }
        if (equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
          throw new FormatException(number, "label value not quoted", line);
        }
        StringBuilder value = new StringBuilder();
        int j = equals + 2;
        while (true) {
          if (j >= line.length()) {
            throw new FormatException(number, "unterminated label value", line);
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char next = j + 1 < line.length() ? line.charAt(j + 1) : ' ';
            switch (next) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new FormatException(number, "invalid escape in label value", line);
            }
            j += 2;
            continue;
          }
          value.append(c);
          j++;
        }
        if (labels.put(label, value.toString()) != null) {
          throw new FormatException(number, "label '" + label + "' twice", line);
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new FormatException(number, "no value", line);
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) {
      throw new FormatException(number, "expected a value and an optional timestamp", line);
    }
    double value;
    try {
      value =
          switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
          };
      if (rest.length == 2) {
        Long.parseLong(rest[1]);
      }
    } catch (NumberFormatException e) {
      throw new FormatException(number, "invalid number", line);
    }
    return new Sample(name, Map.copyOf(labels), value);
  }
}
