package io.lakestream.cli;

import io.lakestream.catalog.Catalog;
import io.lakestream.catalog.ProjectAdmissions;
import io.lakestream.cli.config.Configuration;
import io.lakestream.cli.config.Setting;
import io.lakestream.cli.config.Settings;
import io.lakestream.cli.replay.ProgressPrinter;
import io.lakestream.ingest.replay.ReplayException;
import io.lakestream.ingest.replay.ReplayStart;
import io.lakestream.ingest.replay.ReplaySummary;
import io.lakestream.ingest.replay.Replayer;
import io.lakestream.schema.convert.TimeText;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lakestream replay}: re-drives a bounded range of a topic through the pipeline, for
 * backfill. Idempotent through the writer's exactly-once protocol; see docs/replay.md.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Re-drive a topic through the pipeline for backfill, from a timestamp or offsets",
      "to the topic's end offsets at start.",
      "  otlp_*, lakestream.ingest.<table>: records are routed again with their own",
      "      coordinates; rows go to lakestream.rows.<table> as the live router writes",
      "  lakestream.dlq: dead letters are routed as the records they were set aside",
      "      from (original topic, partition, offset), e.g. after setting a default",
      "      project or defining a table",
      "  lakestream.rows.<table>: records are produced again as they are",
      "Rejected records are counted, not dead-lettered again. The writer drops rows it",
      "already wrote, so running a replay twice changes nothing. Progress goes to",
      "stderr (a bar on a terminal), the summary to stdout. See docs/replay.md."
    })
final class ReplayCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka brokers (kafka.bootstrap.servers).")
  String bootstrapServers;

  @Option(
      names = "--topic",
      required = true,
      paramLabel = "TOPIC",
      description =
          "otlp_logs/otlp_spans/otlp_metrics (as configured), lakestream.ingest.<table>,"
              + " lakestream.dlq or lakestream.rows.<table>.")
  String topic;

  @ArgGroup(exclusive = true, multiplicity = "1")
  From from;

  static final class From {
    @Option(names = "--from-beginning", description = "From the first retained offset.")
    boolean beginning;

    @Option(
        names = "--from-timestamp",
        paramLabel = "TIME",
        converter = InstantConverter.class,
        description =
            "From the first record at or after TIME in each partition: 2025-06-01T12:00:00Z,"
                + " 2025-06-01T14:00:00+02:00 or 2025-06-01 (UTC midnight).")
    Instant timestamp;

    @Option(
        names = "--from-offsets",
        paramLabel = "P:O[,P:O...]",
        description = "Only these partitions, each from its offset, e.g. 0:120,3:0.")
    String offsets;
  }

  @Option(
      names = "--to-timestamp",
      paramLabel = "TIME",
      converter = InstantConverter.class,
      description =
          "Stop at the first record at or after TIME (default: the end offsets at start).")
  Instant toTimestamp;

  @Option(
      names = "--default-project",
      paramLabel = "ID",
      description = "Project of records naming none (ingest.default.project).")
  String defaultProject;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "How long to wait for the brokers, and for progress (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Map<Setting, String> flags = new HashMap<>();
    flags.put(Settings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    flags.put(Settings.INGEST_DEFAULT_PROJECT, defaultProject);
    Configuration configuration = config.resolve(flags, RoleDefaults.of("ingest"));
    ReplayStart start = start();
    if (toTimestamp != null && from.timestamp != null && !toTimestamp.isAfter(from.timestamp)) {
      throw new CliException(
          "--to-timestamp "
              + toTimestamp
              + " is not after --from-timestamp "
              + from.timestamp
              + ". Give a later end.");
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    ReplaySummary summary;
    // Route with the catalog's table types and project rule, as the running router does.
    try (Catalog catalog = Tables.startCatalog(configuration, "replay", timeout);
        ProjectAdmissions.Policy admission =
            IngestCommand.projectAdmission(configuration, catalog)) {
      Replayer replayer =
          new Replayer(
              IngestCommand.ingestConfig(configuration, catalog, admission),
              timeout,
              ProgressPrinter.forConsole(err));
      summary = replayer.replay(topic, start, Optional.ofNullable(toTimestamp));
    } catch (ReplayException e) {
      throw new CliException(e.getMessage(), e);
    }
    summary.lines().forEach(out::println);
    out.flush();
    return 0;
  }

  private ReplayStart start() {
    if (from.beginning) {
      return ReplayStart.beginning();
    }
    if (from.timestamp != null) {
      return ReplayStart.at(from.timestamp);
    }
    try {
      return ReplayStart.parseOffsets(from.offsets);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--from-offsets': " + e.getMessage());
    }
  }

  /**
   * Times as {@link TimeText} reads them: ISO-8601, as SQL writes them, or dates (UTC midnight).
   */
  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String text) {
      return TimeText.instant(text)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "'"
                          + text
                          + "' is not a time. Use 2025-06-01T12:00:00Z, 2025-06-01T14:00:00+02:00"
                          + " or 2025-06-01."));
    }
  }

  /** {@code 500ms}, {@code 30s}, {@code 2m}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");

    @Override
    public Duration convert(String text) {
      Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
      if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a positive duration. Use e.g. 500ms, 30s or 2m.");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        default -> Duration.ofMinutes(n);
      };
    }
  }
}
