package io.lakestream.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The effective configuration: defaults, then the configuration file, then {@code LAKESTREAM_*}
 * environment variables, then command-line flags; each later source wins.
 *
 * <p>The file is YAML ({@code .yaml}, {@code .yml}: nested or dotted keys) or Java properties.
 * Every value is checked when the configuration is built, so a bad value fails at start with a
 * message naming the key and where it came from.
 */
public final class Configuration {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB|KB|MB|GB)");

  /** A value and the source that set it. */
  public record Value(String value, String source) {}

  private final Map<String, Value> values;

  private Configuration(Map<String, Value> values) {
    this.values = values;
  }

  /**
   * Resolves the configuration.
   *
   * @param file the configuration file, if any
   * @param environment the process environment (only {@code LAKESTREAM_*} variables are read)
   * @param flags values set on the command line, by key
   * @param roleDefaults defaults of the running role that replace the global ones (e.g. `dev`'s
   *     one-second flush age)
   * @throws ConfigException naming the key, the source and what is wrong
   */
  public static Configuration resolve(
      Optional<Path> file,
      Map<String, String> environment,
      Map<String, String> flags,
      Map<Setting, String> roleDefaults) {
    Map<String, Value> values = new LinkedHashMap<>();
    for (Setting setting : Settings.ALL) {
      String value = roleDefaults.getOrDefault(setting, setting.defaultValue());
      values.put(setting.key(), new Value(value, "default"));
    }
    if (file.isPresent()) {
      readFile(file.get()).forEach((key, value) -> put(values, key, value, "file " + file.get()));
    }
    for (Setting setting : Settings.ALL) {
      String value = environment.get(setting.environmentVariable());
      if (value != null) {
        put(values, setting.key(), value, "environment " + setting.environmentVariable());
      }
    }
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(KAFKA_ENVIRONMENT_PREFIX) && Settings.find(keyOf(name)).isEmpty()) {
            put(values, keyOf(name), value, "environment " + name);
          } else if (name.startsWith("LAKESTREAM_")
              && !OTHER_VARIABLES.contains(name)
              && Settings.ALL.stream().noneMatch(s -> s.environmentVariable().equals(name))) {
            throw unknownVariable(name);
          }
        });
    flags.forEach((key, value) -> put(values, key, value, "flag"));
    Configuration configuration = new Configuration(values);
    configuration.checkAll();
    return configuration;
  }

  /**
   * Keys {@code kafka.<property>} other than Lakestream's own pass {@code <property>} to every
   * Kafka client of a role (consumers, producers, admin clients, Kafka Streams): security,
   * timeouts, {@code client.rack}. {@code LAKESTREAM_KAFKA_SASL_MECHANISM} is {@code
   * kafka.sasl.mechanism}.
   */
  public static final String KAFKA_PREFIX = "kafka.";

  private static final String KAFKA_ENVIRONMENT_PREFIX = "LAKESTREAM_KAFKA_";

  /** The {@code LAKESTREAM_*} variables that are not configuration keys, and what reads them. */
  private static final java.util.Set<String> OTHER_VARIABLES =
      java.util.Set.of(
          "LAKESTREAM_CONFIG", // the configuration file (ConfigOptions)
          "LAKESTREAM_HOME", // the checkout the lakestream script runs from
          "LAKESTREAM_JAVA_OPTS", // the JVM's options (the lakestream script, the image)
          "LAKESTREAM_LOG_LEVEL", // logback.xml
          "LAKESTREAM_DEBUG", // stack traces of failures (Main)
          "LAKESTREAM_URL", // lakestream sql
          "LAKESTREAM_TOKEN"); // lakestream sql

  /**
   * A {@code LAKESTREAM_*} variable that sets no key, refused as an unknown key in the file is: a
   * misspelt one would otherwise leave its setting at the default without a word.
   */
  private static ConfigException unknownVariable(String name) {
    String nearest = null;
    int best = Integer.MAX_VALUE;
    for (Setting setting : Settings.ALL) {
      int distance = editDistance(name, setting.environmentVariable());
      if (distance < best) {
        best = distance;
        nearest = setting.environmentVariable();
      }
    }
    return new ConfigException(
        "Unknown environment variable "
            + name
            + ": it sets no configuration key"
            + (best <= 3 ? " (did you mean " + nearest + "?)" : "")
            + ". LAKESTREAM_ and a key in upper case, its dots as _, set the key; `lakestream"
            + " config` lists every key.");
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String keyOf(String environmentVariable) {
    return environmentVariable
        .substring("LAKESTREAM_".length())
        .toLowerCase(Locale.ROOT)
        .replace('_', '.');
  }

  /** Whether {@code key} is a Kafka client property passed through ({@link #KAFKA_PREFIX}). */
  private static boolean isKafkaClientKey(String key) {
    return key.startsWith(KAFKA_PREFIX)
        && key.length() > KAFKA_PREFIX.length()
        && Settings.find(key).isEmpty();
  }

  /**
   * The Kafka client properties set with {@code kafka.<property>} keys, without the prefix; every
   * role applies them to all of its Kafka clients, over its own defaults.
   */
  public Map<String, String> kafkaClientProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    values.forEach(
        (key, value) -> {
          if (isKafkaClientKey(key)) {
            properties.put(key.substring(KAFKA_PREFIX.length()), value.value());
          }
        });
    return properties;
  }

  /** Defaults only; for tests. */
  public static Configuration defaults() {
    return resolve(Optional.empty(), Map.of(), Map.of(), Map.of());
  }

  /** A copy with one value replaced, e.g. the address of a broker `dev` started itself. */
  public Configuration with(Setting setting, String value, String source) {
    Map<String, Value> copy = new LinkedHashMap<>(values);
    copy.put(setting.key(), new Value(value, source));
    Configuration configuration = new Configuration(copy);
    configuration.checkAll();
    return configuration;
  }

  /** The raw value of a setting; empty string when unset. */
  public String string(Setting setting) {
    return values.get(setting.key()).value();
  }

  /** The value, or empty when unset. */
  public Optional<String> optional(Setting setting) {
    String value = string(setting);
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** The value; fails naming the key when it is unset. */
  public String required(Setting setting, String why) {
    return optional(setting)
        .orElseThrow(
            () ->
                new ConfigException(
                    "Configuration key '"
                        + setting.key()
                        + "' is not set: "
                        + why
                        + ". Set it in the configuration file, with "
                        + setting.environmentVariable()
                        + ", or with a flag."));
  }

  /** An integer setting. */
  public int integer(Setting setting) {
    return Integer.parseInt(string(setting).trim());
  }

  /** A boolean setting. */
  public boolean bool(Setting setting) {
    return Boolean.parseBoolean(string(setting).trim());
  }

  /** A duration setting. */
  public Duration duration(Setting setting) {
    return parseDuration(string(setting)).orElseThrow();
  }

  /** A size setting, in bytes. */
  public long size(Setting setting) {
    return parseSize(string(setting)).orElseThrow();
  }

  /** A {@code name=value,...} setting. */
  public Map<String, String> pairs(Setting setting) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String pair : string(setting).split(",")) {
      if (!pair.isBlank()) {
        int eq = pair.indexOf('=');
        pairs.merge(
            pair.substring(0, eq).trim(), pair.substring(eq + 1).trim(), (a, b) -> a + "," + b);
      }
    }
    return pairs;
  }

  /** Every key with its value (secrets masked) and source, in documentation order. */
  public Map<String, Value> describe() {
    Map<String, Value> shown = new LinkedHashMap<>();
    for (Setting setting : Settings.ALL) {
      Value value = values.get(setting.key());
      String text = setting.secret() && !value.value().isEmpty() ? "****" : value.value();
      shown.put(setting.key(), new Value(text, value.source()));
    }
    values.forEach(
        (key, value) -> {
          if (isKafkaClientKey(key)) {
            boolean secret = key.matches(".*(password|secret|jaas|token|key)(\\..*)?");
            shown.put(key, new Value(secret ? "****" : value.value(), value.source()));
          }
        });
    return shown;
  }

  private void checkAll() {
    for (Setting setting : Settings.ALL) {
      Value value = values.get(setting.key());
      String text = value.value().trim();
      if (text.isEmpty()) {
        continue;
      }
      boolean ok =
          switch (setting.kind()) {
            case STRING -> true;
            case INT -> text.matches("-?\\d{1,9}");
            case PORT -> text.matches("\\d{1,5}") && Integer.parseInt(text) <= 65535;
            case PORT_OR_OFF ->
                text.equals("-1") || text.matches("\\d{1,5}") && Integer.parseInt(text) <= 65535;
            case BOOLEAN -> text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
            case DURATION -> parseDuration(text).isPresent();
            case SIZE -> parseSize(text).isPresent();
            case PAIRS ->
                text.matches(
                    "\\s*[^=,\\s]+\\s*=\\s*[^=,]+(\\s*,\\s*[^=,\\s]+\\s*=\\s*[^=,]+)*\\s*");
          };
      if (!ok) {
        throw new ConfigException(
            "Configuration key '"
                + setting.key()
                + "' (from "
                + value.source()
                + ") has "
                + (setting.secret() ? "an invalid value" : "value '" + text + "'")
                + ", which is not "
                + expected(setting.kind())
                + ".");
      }
    }
  }

  private static String expected(Setting.Kind kind) {
    return switch (kind) {
      case STRING -> "text";
      case INT -> "a whole number";
      case PORT -> "a port from 0 (any free port) to 65535";
      case PORT_OR_OFF -> "a port from 0 (any free port) to 65535, or -1 (off)";
      case BOOLEAN -> "true or false";
      case DURATION -> "a duration such as 500ms, 1s, 5m, 1h or 1d";
      case SIZE -> "a size such as 1048576, 64KiB, 128MiB or 2GiB";
      case PAIRS -> "a list of name=value pairs separated by commas";
    };
  }

  static Optional<Duration> parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }

  static Optional<Long> parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "KiB" -> 1L << 10;
          case "MiB" -> 1L << 20;
          case "GiB" -> 1L << 30;
          case "KB" -> 1000L;
          case "MB" -> 1000_000L;
          case "GB" -> 1000_000_000L;
          default -> 1L;
        };
    return Optional.of(n * unit);
  }

  private static void put(Map<String, Value> values, String key, String value, String source) {
    String normalized = key.trim().toLowerCase(Locale.ROOT).replace('_', '.');
    if (Settings.find(normalized).isEmpty() && !isKafkaClientKey(normalized)) {
      throw new ConfigException(
          "Unknown configuration key '"
              + key
              + "' (from "
              + source
              + "). `lakestream config` lists every key; docs/configuration.md describes them.");
    }
    values.put(normalized, new Value(value == null ? "" : value, source));
  }

  private static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("Configuration file " + file + " does not exist.");
    }
    String name = file.getFileName().toString();
    try (InputStream in = Files.newInputStream(file)) {
      Map<String, String> flat = new LinkedHashMap<>();
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
        if (root != null && !root.isObject()) {
          throw new ConfigException(
              "Configuration file " + file + " must be a YAML mapping of keys.");
        }
        if (root != null) {
          flatten("", root, flat);
        }
      } else {
        Properties properties = new Properties();
        properties.load(in);
        properties.stringPropertyNames().forEach(k -> flat.put(k, properties.getProperty(k)));
      }
      return flat;
    } catch (IOException e) {
      throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
    }
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> flat) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(
            prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
            field.getValue(),
            flat);
      }
    } else if (node.isArray()) {
      StringBuilder joined = new StringBuilder();
      node.forEach(e -> joined.append(joined.length() == 0 ? "" : ",").append(e.asText()));
      flat.put(prefix, joined.toString());
    } else {
      flat.put(prefix, node.isNull() ? "" : node.asText());
    }
  }
}
