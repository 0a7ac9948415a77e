package io.lakestream.query.http;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Filters a Prometheus text exposition (format 0.0.4) by the value of each sample's {@code project}
 * label: samples of projects the reader may not see are dropped, and so are the {@code # HELP} and
 * {@code # TYPE} lines of a family left without samples. Samples without a {@code project} label
 * (aggregates, JVM and HTTP series) are always kept.
 */
final class MetricsExposition {
  static final String PROJECT_LABEL = "project";

  private MetricsExposition() {}

  /** {@code text} without the samples whose project {@code visible} refuses. */
  static String withProjects(String text, Predicate<String> visible) {
    StringBuilder out = new StringBuilder(text.length());
    List<String> header = new ArrayList<>();
    String family = null;
    int kept = 0;
    int dropped = 0;
    StringBuilder samples = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String name = commentName(line);
        if (name != null && !name.equals(family)) {
          flush(out, header, samples, kept, dropped);
          header.clear();
          samples.setLength(0);
          kept = 0;
          dropped = 0;
          family = name;
        }
        header.add(line);
        continue;
      }
      String project = labelValue(line, PROJECT_LABEL);
      if (project != null && !visible.test(project)) {
        dropped++;
      } else {
        samples.append(line).append('\n');
        kept++;
      }
    }
    flush(out, header, samples, kept, dropped);
    return out.toString();
  }

  private static void flush(
      StringBuilder out, List<String> header, StringBuilder samples, int kept, int dropped) {
    if (kept == 0 && dropped > 0) {
      return;
    }
    header.forEach(h -> out.append(h).append('\n'));
    out.append(samples);
  }

  /** The metric name of a {@code # HELP name ...} or {@code # TYPE name ...} line, else null. */
  private static String commentName(String line) {
    String[] parts = line.split(" ", 4);
    if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
      return parts[2];
    }
    return null;
  }

  /**
   * The unescaped value of label {@code label} of a sample line {@code name{a="x",b="y"} value}, or
   * null when the line has no such label.
   */
  static String labelValue(String line, String label) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (brace < 0 || (space >= 0 && space < brace)) {
      return null;
    }
    int i = brace + 1;
    while (i < line.length() && line.charAt(i) != '}') {
      int equals = line.indexOf('=', i);
      if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
        return null;
      }
      String name = line.substring(i, equals).strip();
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      while (j < line.length() && line.charAt(j) != '"') {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < line.length()) {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        j++;
      }
      if (name.equals(label)) {
        return value.toString();
      }
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
    return null;
  }
}
